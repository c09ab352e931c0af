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
-- dialects: postgres
-- pass: a row-value IN whose every row carries the scope value at the scope column's position
SELECT p.id FROM purchase_orders p WHERE (p.org_id, p.id) IN ((:org, $1), (:org, $2))
-- dialects: postgres
-- pass: a row-value equality pins the scope column
UPDATE invoices i SET total = $2 WHERE (i.id, i.org_id) = ($1, :org)
-- dialects: postgres
-- fail(missing-scope-filter): one row of the list carries another value at the scope position
SELECT p.id FROM purchase_orders p WHERE (p.org_id, p.id) IN ((:org, $1), ($3, $2))
-- dialects: postgres
-- fail(missing-scope-filter): the scope value at the wrong position
SELECT p.id FROM purchase_orders p WHERE (p.org_id, p.id) IN (($1, :org))
-- dialects: postgres
-- fail(missing-scope-filter): NOT IN of row values
SELECT p.id FROM purchase_orders p WHERE (p.org_id, p.id) NOT IN ((:org, $1))
-- dialects: postgres
-- fail(missing-scope-filter): a row-value inequality
SELECT i.id FROM invoices i WHERE (i.id, i.org_id) <> ($1, :org)
-- dialects: postgres
-- fail(missing-scope-filter): the row value under OR
SELECT i.id FROM invoices i WHERE (i.id, i.org_id) = ($1, :org) OR i.total > 0
