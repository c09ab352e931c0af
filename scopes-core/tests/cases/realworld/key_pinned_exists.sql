-- Real-world reduction (security-bench): a row pinned by its primary key, plus an uncorrelated
-- EXISTS proving the same key and argument in scope.
-- dialects: postgres
-- pass: read of a child through the pinned parent
SELECT a.id, a.filename FROM attachments a JOIN purchase_orders po ON po.id = a.po_id
WHERE po.id = $1 AND EXISTS (SELECT 1 FROM purchase_orders WHERE id = $1 AND org_id = :org)
-- dialects: postgres
-- pass: UPDATE pinned the same way
UPDATE purchase_orders SET status = 'SENT' WHERE id = $1 AND EXISTS (SELECT 1 FROM purchase_orders p2 WHERE p2.id = $1 AND p2.org_id = :org)
-- dialects: postgres
-- pass: DELETE pinned the same way
DELETE FROM purchase_orders WHERE id = $1 AND EXISTS (SELECT 1 FROM purchase_orders p2 WHERE p2.org_id = :org AND p2.id = $1)
-- dialects: postgres
-- fail(missing-scope-filter): the EXISTS proves another argument
SELECT * FROM purchase_orders po WHERE po.id = $1 AND EXISTS (SELECT 1 FROM purchase_orders WHERE id = $2 AND org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): the EXISTS is under OR
SELECT * FROM purchase_orders po WHERE po.id = $1 AND (po.status = 'DRAFT' OR EXISTS (SELECT 1 FROM purchase_orders WHERE id = $1 AND org_id = :org))
-- dialects: postgres
-- fail(missing-scope-filter): the pinned column is not a unique key
SELECT * FROM purchase_orders po WHERE po.supplier_id = $1 AND EXISTS (SELECT 1 FROM purchase_orders WHERE supplier_id = $1 AND org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): the EXISTS is over another table
SELECT * FROM purchase_orders po WHERE po.id = $1 AND EXISTS (SELECT 1 FROM invoices WHERE id = $1 AND org_id = :org)
-- dialects: postgres
-- pass: the EXISTS with the key on the right and the scope filter first
SELECT po.status FROM purchase_orders po WHERE $1 = po.id AND EXISTS (SELECT 1 FROM purchase_orders p2 WHERE p2.org_id = :org AND $1 = p2.id)
-- dialects: postgres
-- fail(missing-scope-filter): NOT EXISTS proves nothing
SELECT * FROM purchase_orders po WHERE po.id = $1 AND NOT EXISTS (SELECT 1 FROM purchase_orders WHERE id = $1 AND org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): the EXISTS is correlated with the outer row, not pinned by the argument
SELECT * FROM purchase_orders po WHERE po.id = $1 AND EXISTS (SELECT 1 FROM purchase_orders p2 WHERE p2.id = po.supplier_id AND p2.org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): the EXISTS itself is not scoped
SELECT * FROM purchase_orders po WHERE po.id = $1 AND EXISTS (SELECT 1 FROM purchase_orders WHERE id = $1)
-- dialects: postgres
-- fail(missing-scope-filter): an aggregate EXISTS is always true
SELECT * FROM purchase_orders po WHERE po.id = $1 AND EXISTS (SELECT count(*) FROM purchase_orders WHERE id = $1 AND org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): the outer row is pinned only under OR
SELECT * FROM purchase_orders po WHERE (po.id = $1 OR po.status = 'DRAFT') AND EXISTS (SELECT 1 FROM purchase_orders WHERE id = $1 AND org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): the EXISTS pins its row through a join
SELECT * FROM purchase_orders po WHERE po.id = $1 AND EXISTS (SELECT 1 FROM purchase_orders p2 JOIN suppliers s ON s.id = p2.supplier_id WHERE p2.id = $1 AND s.org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): an UPDATE pinned to a different argument than its EXISTS
UPDATE purchase_orders SET status = 'SENT' WHERE id = $1 AND EXISTS (SELECT 1 FROM purchase_orders p2 WHERE p2.id = $2 AND p2.org_id = :org)
-- dialects: postgres
-- fail(missing-scope-filter): a DELETE whose EXISTS holds the scope filter only under OR
DELETE FROM purchase_orders WHERE id = $1 AND EXISTS (SELECT 1 FROM purchase_orders p2 WHERE p2.id = $1 AND p2.org_id = :org OR p2.id = $1)
