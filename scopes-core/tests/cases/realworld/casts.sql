-- Real-world reduction (hatchet, Go + sqlc): typed parameters cast on the scope placeholder.
-- dialects: postgres
-- pass: filter with the placeholder cast to the scope column's type
SELECT * FROM invoices WHERE org_id = :org::uuid AND id = $1::uuid
-- dialects: postgres
-- pass: cast spelled with CAST()
SELECT * FROM invoices WHERE org_id = CAST(:org AS uuid)
-- dialects: postgres
-- pass: quoted type name in the cast, the scope value on the left
SELECT id FROM customers WHERE :org::"uuid" = org_id
-- dialects: postgres
-- pass: INSERT ... VALUES with the cast placeholder
INSERT INTO customers (id, org_id, name) VALUES (gen_random_uuid(), :org::uuid, $1::text)
-- dialects: postgres
-- pass: INSERT ... SELECT from UNNEST with the cast placeholder
INSERT INTO rate_limits (org_id, key, value, limit_value, last_refill, refill_window)
SELECT :org::uuid, k, 0, 10, now(), '1 minute' FROM unnest($1::text[]) AS k
-- dialects: postgres
-- pass: upsert whose conflict target has the scope column; SET from EXCLUDED of the cast placeholder
INSERT INTO actions (id, org_id, action_key) VALUES (gen_random_uuid(), :org::uuid, lower($1::text))
ON CONFLICT (action_key, org_id) DO UPDATE SET org_id = EXCLUDED.org_id
WHERE actions.org_id = :org::uuid
-- dialects: postgres
-- pass: UPDATE filtered by the cast placeholder
UPDATE rate_limits SET value = $1 WHERE org_id = :org::uuid AND key = $2
-- dialects: postgres
-- pass: CTE filtered by the cast placeholder before its LIMIT
WITH f AS (SELECT * FROM invoices WHERE org_id = :org::uuid ORDER BY id LIMIT 100) SELECT count(*) FROM f
-- dialects: postgres
-- fail(missing-scope-filter): the cast placeholder inside another expression is not the scope value
SELECT * FROM invoices WHERE org_id = (:org::text || '0')::uuid
-- dialects: postgres
-- fail(missing-scope-filter): a cast with a length truncates the scope value (and the column is cast too)
SELECT * FROM invoices WHERE org_id::text = :org::varchar(8)
-- dialects: postgres
-- fail(missing-scope-filter): LIKE against the placeholder is not equality (real: `organization_name LIKE ANY(@organization::text[])`; `_` in a name is a wildcard)
SELECT * FROM suppliers WHERE legal_name = $1 AND org_id::text LIKE ANY(ARRAY[:org::text])
-- dialects: postgres
-- fail(missing-scope-filter): the cast placeholder under OR
SELECT * FROM invoices WHERE org_id = :org::uuid OR status = 1
-- dialects: postgres
-- fail(insert-scope-column): INSERT with the tenant cast from a user parameter
INSERT INTO customers (id, org_id, name) VALUES (gen_random_uuid(), $1::uuid, $2)
