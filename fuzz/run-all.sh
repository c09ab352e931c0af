#!/usr/bin/env bash
# Runs every fuzz target for a share of TOTAL seconds (default 3600), one after another, niced.
# Fork mode with -ignore_crashes: a known bug does not end the run; every crash input is kept
# in artifacts/<target>/.
# Usage: fuzz/run-all.sh [TOTAL_SECONDS]   (from the repository root or fuzz/)
set -u
cd "$(dirname "$0")"
total=${1:-3600}
# share of the total per target, in percent
plan="check_bytes:22 check_sql:24 config_parse:13 migrations:16 rewrite:25"
mkdir -p corpus/check_bytes corpus/check_sql corpus/config_parse corpus/migrations corpus/rewrite
cp ../scopes-core/tests/cases/*.sql corpus/check_bytes/ 2>/dev/null
cp ../scopes.toml ../scopes-difftest/scopes-postgres.toml ../scopes-core/src/reference.toml corpus/config_parse/ 2>/dev/null
cp ../migrations/*.sql ../scopes-difftest/migrations-postgres/*.sql corpus/migrations/ 2>/dev/null
for item in $plan; do
  target=${item%%:*}
  secs=$(( total * ${item##*:} / 100 ))
  dict=""
  case $target in check_bytes|migrations) dict="-dict=sql.dict" ;; esac
  echo "== $target for ${secs}s"
  nice -n 10 cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 $dict \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
  echo "== $target exit $?"
done
