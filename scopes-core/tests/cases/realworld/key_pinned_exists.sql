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
