//! The type of a dimension's scope values: the one rule the macros and the CLI validate
//! `[dimensions]` with.
//!
//! ```toml
//! [dimensions]
//! site = "i64"                                     # a key type: i64, i32, i16, String, uuid
//! org  = { type = "uuid", rust = "crate::OrgId" }  # an app's own type over a key type
//! ```

use std::fmt;

/// The kind of value a tenant key is: the types tenant keys really have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyType {
    /// `i64` (PostgreSQL `bigint`, MySQL `BIGINT`, SQLite `INTEGER`).
    I64,
    /// `i32` (`integer`, `INT`).
    I32,
    /// `i16` (`smallint`, `SMALLINT`).
    I16,
    /// `String` (`text`, `VARCHAR`).
    String,
    /// `uuid` (sqlx's uuid feature: PostgreSQL `uuid`, MySQL/MariaDB `BINARY(16)`, SQLite a
    /// 16-byte `BLOB`, as sqlx encodes `Uuid` on each).
    Uuid,
}

impl KeyType {
    /// Every key type, in the order error messages list them.
    pub const ALL: [KeyType; 5] = [
        KeyType::I64,
        KeyType::I32,
        KeyType::I16,
        KeyType::String,
        KeyType::Uuid,
    ];

    /// The name scopes.toml spells it with (`i64`, `String`, `uuid`).
    pub fn name(self) -> &'static str {
        match self {
            KeyType::I64 => "i64",
            KeyType::I32 => "i32",
            KeyType::I16 => "i16",
            KeyType::String => "String",
            KeyType::Uuid => "uuid",
        }
    }

    /// The PostgreSQL type of a value (row-level security policies cast settings to it).
    pub fn postgres_type(self) -> &'static str {
        match self {
            KeyType::I64 => "bigint",
            KeyType::I32 => "integer",
            KeyType::I16 => "smallint",
            KeyType::String => "text",
            KeyType::Uuid => "uuid",
        }
    }

    /// Whether values are integers.
    pub fn is_integer(self) -> bool {
        matches!(self, KeyType::I64 | KeyType::I32 | KeyType::I16)
    }

    /// Reads a key type's name. Accepted: `i64`, `i32`, `i16`, `String` (or `string`), `uuid`
    /// (or `Uuid`, `uuid::Uuid`, `sqlx::types::Uuid`). The error says what to write instead.
    pub fn parse(name: &str) -> Result<KeyType, String> {
        let name = name.trim();
        Ok(match name {
            "i64" => KeyType::I64,
            "i32" => KeyType::I32,
            "i16" => KeyType::I16,
            "String" | "string" | "std::string::String" => KeyType::String,
            "uuid" | "Uuid" | "uuid::Uuid" | "sqlx::types::Uuid" => KeyType::Uuid,
            _ => return Err(unknown_type(name)),
        })
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn supported() -> String {
    let names: Vec<&str> = KeyType::ALL.iter().map(|k| k.name()).collect();
    format!(
        "{} or {}",
        names[..names.len() - 1].join(", "),
        names[names.len() - 1]
    )
}

const NEWTYPE_FORM: &str = "{ type = \"uuid\", rust = \"crate::OrgId\" }";

fn unknown_type(name: &str) -> String {
    let hint = match name {
        "" => "the type is empty".to_string(),
        "u64" | "u32" | "u16" | "u8" | "usize" => format!(
            "`{name}` is unsigned, which PostgreSQL and SQLite cannot store as such: use the signed type of the key column (i64, i32 or i16)"
        ),
        "i8" | "i128" | "isize" => format!("`{name}` is not a tenant key type sqlx binds on every database: use i64, i32 or i16"),
        "&str" | "str" | "Box<str>" | "Arc<str>" => format!("`{name}` is not an owned key type: use String"),
        _ if (is_rust_path(name) && name.contains("::")) || name.starts_with(char::is_uppercase) => format!(
            "`{name}` is not a key type; for an app's own type over one, name both: `{NEWTYPE_FORM}`"
        ),
        _ => format!("unknown type `{name}`"),
    };
    format!(
        "{hint}; a dimension's type is one of {}, or an app's own type over one of them: `{NEWTYPE_FORM}`",
        supported()
    )
}

/// The type of a dimension's scope values, as scopes.toml declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DimensionType {
    /// A key type itself (`site = "i64"`, `org = "uuid"`).
    Key(KeyType),
    /// An app's own type over a key type (`org = { type = "uuid", rust = "crate::OrgId" }`):
    /// a `#[sqlx(transparent)]` newtype, or any type sqlx encodes as the key type. `scope!`
    /// takes values of it; the database sees the key type.
    Newtype {
        /// The key type the database stores.
        key: KeyType,
        /// The Rust path of the app's type, as written (`crate::OrgId`).
        rust: String,
    },
}

impl From<KeyType> for DimensionType {
    fn from(key: KeyType) -> Self {
        DimensionType::Key(key)
    }
}

impl DimensionType {
    /// The key type the database stores.
    pub fn key(&self) -> KeyType {
        match self {
            DimensionType::Key(k) | DimensionType::Newtype { key: k, .. } => *k,
        }
    }

    /// The app's own Rust type, if one is declared.
    pub fn newtype(&self) -> Option<&str> {
        match self {
            DimensionType::Key(_) => None,
            DimensionType::Newtype { rust, .. } => Some(rust),
        }
    }

    /// The string form (`org = "uuid"`).
    pub fn parse(name: &str) -> Result<DimensionType, String> {
        KeyType::parse(name).map(DimensionType::Key)
    }

    /// The table form (`org = { type = "uuid", rust = "crate::OrgId" }`).
    pub fn newtype_of(key: &str, rust: &str) -> Result<DimensionType, String> {
        let key = KeyType::parse(key)?;
        let rust = rust.trim();
        if !is_rust_path(rust) {
            return Err(format!(
                "`rust = \"{rust}\"` is not a Rust type path: name the app's type by its path, like \"crate::OrgId\" or \"crate::ids::OrgId\""
            ));
        }
        Ok(DimensionType::Newtype {
            key,
            rust: rust.to_string(),
        })
    }
}

impl fmt::Display for DimensionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DimensionType::Key(k) => write!(f, "{k}"),
            DimensionType::Newtype { key, rust } => write!(f, "{rust} (over {key})"),
        }
    }
}

/// A Rust type path without generics: `OrgId`, `crate::OrgId`, `::my_crate::ids::OrgId`.
fn is_rust_path(text: &str) -> bool {
    let body = text.strip_prefix("::").unwrap_or(text);
    !body.is_empty()
        && body.split("::").all(|segment| {
            let mut chars = segment.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                && segment != "_"
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn key_types_ok() {
        for (text, key) in [
            ("i64", KeyType::I64),
            ("i32", KeyType::I32),
            ("i16", KeyType::I16),
            ("String", KeyType::String),
            ("string", KeyType::String),
            ("uuid", KeyType::Uuid),
            ("Uuid", KeyType::Uuid),
            ("uuid::Uuid", KeyType::Uuid),
            ("sqlx::types::Uuid", KeyType::Uuid),
            (" i64 ", KeyType::I64),
        ] {
            assert_eq!(KeyType::parse(text), Ok(key), "{text}");
        }
    }

    #[test]
    fn unknown_types_err() {
        let e = KeyType::parse("banana").unwrap_err();
        assert!(e.starts_with("unknown type `banana`"), "{e}");
        assert!(e.contains("i64, i32, i16, String or uuid"), "{e}");
        let e = KeyType::parse("u64").unwrap_err();
        assert!(e.contains("unsigned"), "{e}");
        let e = KeyType::parse("crate::OrgId").unwrap_err();
        assert!(
            e.contains("rust = \\\"crate::OrgId\\\"") || e.contains("rust = \"crate::OrgId\""),
            "{e}"
        );
        let e = KeyType::parse("&str").unwrap_err();
        assert!(e.contains("use String"), "{e}");
        assert!(KeyType::parse("").is_err());
    }

    #[test]
    fn newtype_ok() {
        let t = DimensionType::newtype_of("uuid", "crate::OrgId").unwrap();
        assert_eq!(t.key(), KeyType::Uuid);
        assert_eq!(t.newtype(), Some("crate::OrgId"));
        assert_eq!(t.to_string(), "crate::OrgId (over uuid)");
        assert!(DimensionType::newtype_of("i64", "::app::ids::SiteId").is_ok());
    }

    #[test]
    fn newtype_err() {
        assert!(DimensionType::newtype_of("banana", "crate::OrgId").is_err());
        for bad in [
            "",
            "crate::",
            "Vec<OrgId>",
            "crate::Org Id",
            "1Org",
            "&OrgId",
            "_",
        ] {
            let e = DimensionType::newtype_of("uuid", bad).unwrap_err();
            assert!(e.contains("not a Rust type path"), "{bad}: {e}");
        }
    }
}
