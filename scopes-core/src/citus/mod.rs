//! Scale-out on Citus: where each table lives when the tenant dimension becomes the distribution
//! column, whether a scoped statement runs on one shard, and the distribution DDL.
//!
//! Pure, like the rest of the crate: it reads the analyzer's [`Report`](crate::Report) (the
//! per-occurrence proofs and pinned columns), the [`Config`](crate::Config) and its schema. The rules it checks
//! are Citus's own, taken from Citus's source and documentation; `docs/SCALING.md` lists them,
//! with the ones it does not check, and `tests/citus/golden.toml` holds the cases they were
//! taken from.
//!
//! ```
//! use scopes_core::{check, citus, Config, Markers};
//! let text = r#"
//! dialect = "postgres"
//! [dimensions]
//! site = "i64"
//! [tables]
//! posts = { site = "site_id" }
//! "#;
//! let config = Config::parse(text, "scopes.toml".as_ref()).unwrap();
//! let distribution = citus::Distribution::new(&config, None).unwrap();
//! let sql = "SELECT title FROM posts WHERE site_id = :site AND id = $1";
//! let report = check(sql, &config, &Markers::None);
//! let routes = citus::route(sql, &report, &config, &distribution, &Markers::None);
//! assert_eq!(routes[0].kind, citus::RouteKind::SingleShard);
//! ```

mod ddl;
mod placement;
mod route;

pub use placement::{Distribution, Placement, SchemaProblem};
pub use route::{route, Route, RouteKind};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests;
