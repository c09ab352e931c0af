-- Real-world reduction (hatchet, pop durable sleeps): a row-value IN over a scoped CTE whose tuple
-- carries the scope column.
-- dialects: postgres
-- pass: DELETE restricted by (scope column, key) IN a scoped CTE
WITH to_delete AS (
  SELECT * FROM sleeps WHERE org_id = :org AND sleep_until <= now() ORDER BY id LIMIT 100 FOR UPDATE
)
DELETE FROM sleeps WHERE (org_id, sleep_until, id) IN (SELECT org_id, sleep_until, id FROM to_delete)
RETURNING *
-- dialects: postgres
-- pass: the same tuple with the placeholder in the subquery's scope position
DELETE FROM sleeps WHERE (org_id, id) IN (SELECT :org, s.id FROM sleeps s WHERE s.org_id = :org AND s.sleep_until <= now())
-- dialects: postgres
-- fail(missing-scope-filter): the tuple's scope position comes from an unscoped source
DELETE FROM sleeps WHERE (org_id, id) IN (SELECT s.org_id, s.id FROM sleeps s WHERE s.sleep_until <= now())
-- dialects: postgres
-- fail(missing-scope-filter): the scope column is paired with a non-scope column of the proven source
WITH to_delete AS (SELECT * FROM sleeps WHERE org_id = :org)
DELETE FROM sleeps WHERE (org_id, id) IN (SELECT gen_random_uuid(), id FROM to_delete)
-- dialects: postgres
-- fail(missing-scope-filter): the tuple does not contain the scope column
WITH to_delete AS (SELECT * FROM sleeps WHERE org_id = :org)
DELETE FROM sleeps WHERE (sleep_until, id) IN (SELECT sleep_until, id FROM to_delete)
