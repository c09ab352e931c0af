#!/usr/bin/env bash
# Build-time benchmark: generates crates with N (default 500) distinct queries and times an
# incremental rebuild of each (dependencies prebuilt; the best of 3 runs):
#   plain-checked   sqlx::query_as!(...)          checked against SQLite (DATABASE_URL)
#   scoped-nodb     scoped_query_as!(...)         no database at compile time
#   scoped-checked  scoped_query_as!(...)         `checked` feature: sqlx's query_as! for the
#                                                 one-value variant, the others unchecked
#   plain-fn        sqlx::query_as::<_, T>(...)   no macro at all
# and prints the ratios against plain-checked and the macro's own time per invocation
# ((scoped-nodb - plain-fn) / N). The proc macros of both sides (scopes-macros, scopes-core,
# sqlparser, sqlx-macros, sqlx-macros-core) are built with opt-level 3, as the README recommends.
# Usage: scripts/bench-build.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
n="${1:-500}"
work="${BENCH_BUILD_DIR:-$repo/target/bench-build}"
mkdir -p "$work"
export CARGO_TARGET_DIR="$work/target"
db="$work/schema.db"
rm -f "$db"
for f in migrations/*.sql; do sqlite3 "$db" < "$f"; done

gen() { # name, features, body-template (uses $i)
  local name="$1" features="$2" kind="$3" dir="$work/$1"
  rm -rf "$dir" && mkdir -p "$dir/src"
  cp scopes.toml "$dir/" && cp -r migrations "$dir/"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "bench-$name"
version = "0.0.0"
edition = "2021"
publish = false
[workspace]
[dependencies]
sqlx-scopes = { path = "$repo", features = [$features] }
sqlx = { version = "0.9", default-features = false, features = ["sqlite", "macros", "runtime-tokio"] }
# Optimized proc macros (sqlx's README recommends it for its own), on both sides of the comparison.
[profile.dev.package.scopes-macros]
opt-level = 3
[profile.dev.package.scopes-core]
opt-level = 3
[profile.dev.package.sqlparser]
opt-level = 3
[profile.dev.package.sqlx-macros]
opt-level = 3
[profile.dev.package.sqlx-macros-core]
opt-level = 3
TOML
  {
    echo '#![allow(dead_code, unused_imports)]'
    echo 'use sqlx_scopes::{scoped_query_as, Scope};'
    echo '#[derive(sqlx::FromRow)] pub struct Post { pub id: i64, pub title: String }'
    for i in $(seq 1 "$n"); do
      case "$kind" in
        plain-checked) echo "pub async fn q$i(pool: &sqlx::SqlitePool, site: i64) -> Result<Vec<Post>, sqlx::Error> { sqlx::query_as!(Post, \"SELECT p.id, p.title FROM posts p WHERE p.site_id = ?1 AND p.id > $i\", site).fetch_all(pool).await }" ;;
        plain-fn) echo "pub async fn q$i(pool: &sqlx::SqlitePool, site: i64) -> Result<Vec<Post>, sqlx::Error> { sqlx::query_as::<_, Post>(\"SELECT p.id, p.title FROM posts p WHERE p.site_id = ?1 AND p.id > $i\").bind(site).fetch_all(pool).await }" ;;
        scoped) echo "pub async fn q$i(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<Vec<Post>, sqlx_scopes::Error> { scoped_query_as!(Post, scope, \"SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.id > $i\").fetch_all(pool).await }" ;;
      esac
    done
  } > "$dir/src/lib.rs"
}

time_build() { # name -> best seconds of 3 incremental rebuilds
  local dir="$work/$1" best=""
  (cd "$dir" && DATABASE_URL="sqlite:$db" cargo build -q 2>/dev/null || DATABASE_URL="sqlite:$db" cargo build)
  for _ in 1 2 3; do
    touch "$dir/src/lib.rs"
    local s e t
    s=$(date +%s.%N)
    (cd "$dir" && DATABASE_URL="sqlite:$db" cargo build -q)
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best="$t"; fi
  done
  echo "$best"
}

gen plain-checked '' plain-checked
gen plain-fn '' plain-fn
gen scoped-nodb '' scoped
gen scoped-checked '"checked"' scoped

declare -A t
for c in plain-checked plain-fn scoped-nodb scoped-checked; do
  t[$c]=$(time_build "$c")
  printf '%-15s %8.2f s\n' "$c" "${t[$c]}"
done
echo
printf 'scoped-nodb    / plain-checked = %.3f\n' "$(echo "${t[scoped-nodb]} / ${t[plain-checked]}" | bc -l)"
printf 'scoped-checked / plain-checked = %.3f\n' "$(echo "${t[scoped-checked]} / ${t[plain-checked]}" | bc -l)"
printf 'macro time per invocation (no database) = %.2f ms\n' "$(echo "(${t[scoped-nodb]} - ${t[plain-fn]}) * 1000 / $n" | bc -l)"
