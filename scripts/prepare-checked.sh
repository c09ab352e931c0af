#!/usr/bin/env bash
# Regenerates .sqlx/ (sqlx's offline query data) for tests/checked.rs: builds it once against a
# fresh SQLite database made from migrations/, with SQLX_OFFLINE_DIR telling sqlx's macros to
# save what they learn. Needs only cargo and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
db="$(mktemp -d)/checked.db"
for f in migrations/*.sql; do sqlite3 "$db" < "$f"; done
rm -rf .sqlx && mkdir .sqlx
DATABASE_URL="sqlite:$db" SQLX_OFFLINE_DIR="$PWD/.sqlx" \
  cargo test --features checked --test checked --no-run
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"
