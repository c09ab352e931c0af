-- Real-world reduction (hatchet): functions defined in the migrations that only compute from
-- their arguments. The pass cases need `refill_value` and `duration_interval` declared as such in
-- this directory's scopes.toml (see the comment there); `org_of_invoice` reads a table.
-- dialects: postgres
-- pass: a declared function over the row it is given, in the select list
SELECT key, refill_value(rl) AS value FROM rate_limits rl WHERE rl.org_id = :org
-- dialects: postgres
-- pass: a declared function in SET, the target filtered
UPDATE rate_limits rl SET value = refill_value(rl) - $1 WHERE rl.org_id = :org AND rl.key = $2
-- dialects: postgres
-- pass: a declared function over a parameter in an INSERT ... SELECT
INSERT INTO sleeps (id, org_id, sleep_until) SELECT $1, :org, now() + duration_interval(d) FROM unnest($2::text[]) AS d
-- dialects: postgres
-- fail(opaque-function): a function that reads a table stays opaque
SELECT id FROM invoices WHERE org_id = :org AND org_of_invoice(id) = :org
