#!/usr/bin/env bash
# Run-time benchmark: scoped queries against the identical hand-written sqlx queries, on SQLite in
# memory and PostgreSQL, in one run; prints each ratio (target: one value <= 1.02).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo bench -p sqlx-scopes --bench runtime_sqlite -- --warm-up-time 2 --measurement-time "${MEASURE:-8}" "$@"
cargo bench -p scopes-tests-postgres --bench runtime_postgres -- --warm-up-time 2 --measurement-time "${MEASURE:-8}" "$@"
python3 - "$target/criterion" <<'PY'
import json, sys, os
root = sys.argv[1]
def est(group, name):
    p = os.path.join(root, group, name.replace('/', '_'), 'new', 'estimates.json')
    if not os.path.exists(p):
        return None
    return json.load(open(p))['median']['point_estimate']
for group in ('sqlite', 'postgres'):
    for mode in ('one', 'many'):
        h, s = est(group, f'{mode}/handwritten'), est(group, f'{mode}/scoped')
        if h and s:
            print(f'{group:9} {mode:5} hand-written {h/1000:8.2f} us   scoped {s/1000:8.2f} us   ratio {s/h:.3f}')
        else:
            print(f'{group:9} {mode:5} did not run')
PY
