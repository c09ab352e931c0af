-- Real-world reductions (hatchet, lago, security-bench, otf) that must stay rejected: a table
-- with its own tenant column reached only through a single-column reference is proven only if the
-- data never holds a cross-tenant reference. A composite key with the tenant column proves it.
-- dialects: postgres
-- fail(missing-scope-filter): inner join by a single-column reference, its column selected
SELECT po.id, s.legal_name FROM purchase_orders po JOIN suppliers s ON s.id = po.supplier_id WHERE po.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): LEFT JOIN by a single-column reference, summed
SELECT i.id, sum(cn.amount) FROM invoices i LEFT JOIN credit_notes cn ON cn.invoice_id = i.id WHERE i.org_id = :org GROUP BY i.id
-- dialects: postgres
-- fail(missing-scope-filter): a derived table of every tenant's rows grouped by the reference, joined on it
SELECT i.id, cn.s FROM invoices i
LEFT JOIN (SELECT invoice_id, sum(amount) AS s FROM credit_notes GROUP BY invoice_id) cn ON cn.invoice_id = i.id
WHERE i.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): NOT EXISTS over a table with its own tenant column, correlated by the reference only
SELECT i.id FROM invoices i WHERE i.org_id = :org AND NOT EXISTS (SELECT 1 FROM credit_notes cn WHERE cn.invoice_id = i.id)
-- dialects: postgres
-- fail(missing-scope-filter): the parent filtered, the child with its own tenant column not
SELECT cn.amount FROM credit_notes cn JOIN invoices i ON i.id = cn.invoice_id WHERE i.org_id = :org
-- dialects: postgres
-- pass: composite foreign key (action_key, org_id): the join on the key alone reaches the same tenant's action
SELECT s.id, a.id AS action_id FROM steps s JOIN actions a ON a.action_key = s.action_key AND a.org_id = s.org_id WHERE s.org_id = :org
-- dialects: postgres
-- fail(cross-tenant-reference): a single-column reference to a scoped table set from a parameter (foreign-key injection)
INSERT INTO invoices (id, org_id, customer_id, total, status) VALUES ($1, :org, $2, 0, 0)
-- dialects: postgres
-- fail(scope-column-write): renaming the tenant key moves the row out of the scope
UPDATE orgs SET id = $1 WHERE id = :org
