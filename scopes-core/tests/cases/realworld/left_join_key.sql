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
-- dialects: postgres
-- pass: the key taken from an argument
SELECT i.id FROM invoices i LEFT JOIN customers c ON c.id = $1 WHERE i.org_id = :org
-- dialects: postgres
-- pass: two unused LEFT JOINs, one in each branch of a UNION
SELECT i.id FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id WHERE i.org_id = :org
UNION ALL
SELECT cn.id FROM credit_notes cn LEFT JOIN invoices i ON i.id = cn.invoice_id LEFT JOIN customers c ON c.id = cn.id WHERE cn.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the joined table orders the rows
SELECT i.id FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org ORDER BY c.name
-- dialects: postgres
-- fail(missing-scope-filter): the joined table groups the rows
SELECT count(*) FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org GROUP BY c.name
-- dialects: postgres
-- fail(missing-scope-filter): the joined table in HAVING
SELECT i.status FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org GROUP BY i.status HAVING count(c.id) > 0
-- dialects: postgres
-- fail(missing-scope-filter): SELECT * returns the joined table's columns
SELECT * FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): c.* returns the joined table's columns
SELECT i.id, c.* FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the whole row of the joined table as a value
SELECT i.id, to_jsonb(c) FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): an unqualified column that is the joined table's
SELECT i.id, tin FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the joined table read in a correlated subquery
SELECT i.id, (SELECT count(*) FROM credit_notes cn WHERE cn.org_id = :org AND cn.amount > length(c.name)) FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the joined table's column in another join's ON
SELECT i.id FROM invoices i LEFT JOIN customers c ON i.customer_id = c.id JOIN credit_notes cn ON cn.amount = length(c.tin) WHERE i.org_id = :org AND cn.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): part of a composite unique key matches several rows
SELECT s.id FROM steps s LEFT JOIN actions a ON a.action_key = s.action_key WHERE s.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a key the migrations leave uncertain
SELECT i.id FROM invoices i LEFT JOIN returned_lines r ON r.id = i.id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the key compared with the joined table's own column matches many rows
SELECT i.id FROM invoices i LEFT JOIN customers c ON c.id = c.org_id WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a RIGHT JOIN keeps every row of the joined table
SELECT i.id FROM invoices i RIGHT JOIN customers c ON i.customer_id = c.id AND i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a FULL JOIN keeps every row of the joined table
SELECT i.id FROM (SELECT * FROM invoices WHERE org_id = :org) i FULL JOIN customers c ON i.customer_id = c.id
-- dialects: postgres
-- fail(missing-scope-filter): in an UPDATE's FROM
UPDATE invoices SET total = 0 FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id
WHERE invoices.id = i.id AND invoices.org_id = :org AND i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): in a DELETE's USING
DELETE FROM invoices USING invoices i LEFT JOIN customers c ON c.id = i.customer_id
WHERE invoices.id = i.id AND invoices.org_id = :org AND i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): FOR UPDATE of the statement
SELECT i.id FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id WHERE i.org_id = :org FOR UPDATE OF i
