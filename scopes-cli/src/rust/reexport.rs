//! The workspace's own names for sqlx: modules that re-export sqlx's query functions (`pub use
//! sqlx::{query, query_as}` in `src/db.rs`, called as `crate::db::query(..)` or imported from
//! there) and public re-exports of the crate itself (`pub use sqlx as database`). Found in a
//! pass over every file of the run before any is checked.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use syn::visit::Visit;

/// What the workspace re-exports of sqlx.
#[derive(Debug, Default)]
pub struct Reexports {
    /// Module name -> its names for sqlx's functions (name -> sqlx function).
    pub modules: HashMap<String, HashMap<String, String>>,
    /// Public names of the sqlx crate itself.
    pub crate_aliases: HashSet<String>,
}

impl Reexports {
    /// The sqlx function `module::name` reaches, when `module` re-exports it.
    pub fn function(&self, module: &str, name: &str) -> Option<&str> {
        self.modules
            .get(module)
            .and_then(|m| m.get(name))
            .map(String::as_str)
    }

    /// Records the re-exports of one file (cheap for files that name no `pub use` of sqlx).
    pub fn add_file(&mut self, path: &Path, source: &str) {
        if !(source.contains("pub use") || source.contains("pub(crate) use"))
            || !source.contains("sqlx")
        {
            return;
        }
        let Ok(file) = syn::parse_file(source) else {
            return;
        };
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let module = match stem.as_deref() {
            Some("mod" | "lib" | "main") | None => path
                .parent()
                .and_then(Path::file_name)
                .map(|s| s.to_string_lossy().into_owned()),
            other => other.map(str::to_string),
        };
        let mut collector = Collector {
            into: self,
            modules: module.into_iter().collect(),
        };
        collector.visit_file(&file);
    }
}

struct Collector<'a> {
    into: &'a mut Reexports,
    /// The module path being visited (innermost last).
    modules: Vec<String>,
}

impl Collector<'_> {
    fn tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        let from_sqlx = prefix.last().is_some_and(|p| p == "sqlx");
        let module = self.modules.last().cloned().unwrap_or_default();
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.tree(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let name = name.ident.to_string();
                if from_sqlx && super::RAW_FUNCTIONS.contains(&name.as_str()) {
                    self.export(module, name.clone(), name);
                }
            }
            syn::UseTree::Rename(rename) => {
                let name = rename.ident.to_string();
                let alias = rename.rename.to_string();
                if name == "sqlx" || (name == "self" && from_sqlx) {
                    self.into.crate_aliases.insert(alias);
                } else if from_sqlx && super::RAW_FUNCTIONS.contains(&name.as_str()) {
                    self.export(module, alias, name);
                }
            }
            syn::UseTree::Glob(_) if from_sqlx => {
                for f in super::RAW_FUNCTIONS {
                    self.export(module.clone(), f.to_string(), f.to_string());
                }
            }
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.tree(item, prefix);
                }
            }
        }
    }

    fn export(&mut self, module: String, name: String, function: String) {
        self.into
            .modules
            .entry(module)
            .or_default()
            .insert(name, function);
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.modules.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.modules.pop();
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if !matches!(item.vis, syn::Visibility::Inherited) {
            self.tree(&item.tree, &mut Vec::new());
        }
    }
}
