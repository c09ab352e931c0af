-- Real-world reduction (lago analytics, security-bench): a LEFT JOIN to a scoped table on its
-- full key whose columns are used nowhere else: it can neither add nor drop rows.
-- dialects: postgres
-- pass: LEFT JOIN on the primary key, no column of the joined table used
SELECT i.id, i.total FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- pass: the same under an aggregate in a CTE
WITH per_status AS (
  SELECT i.status, count(*) AS n, sum(i.total) AS total
  FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id
  WHERE i.org_id = :org
  GROUP BY i.status
)
SELECT * FROM per_status
-- dialects: postgres
-- pass: LEFT JOIN on a composite unique key, key on the right of the equalities
SELECT s.id FROM steps s LEFT JOIN actions a ON s.action_key = a.action_key AND s.org_id = a.org_id WHERE s.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a column of the joined table is selected
SELECT i.id, c.name FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a column of the joined table is filtered (the LEFT JOIN becomes an inner join)
SELECT i.id FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org AND c.tin IS NULL
-- dialects: postgres
-- fail(missing-scope-filter): the ON does not equate a unique key (rows multiply)
SELECT i.id FROM invoices i LEFT JOIN credit_notes cn ON cn.invoice_id = i.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): an inner join on the key can drop rows
SELECT i.id FROM invoices i JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the joined table's column is counted
SELECT count(c.id) FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
