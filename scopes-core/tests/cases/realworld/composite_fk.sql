-- Composite tenant foreign keys (issue 11; Citus-style schemas): a key that carries the tenant
-- column at the same position on both sides, into a certainly unique key of the parent, makes
-- the database keep a child's parent in the child's tenant. Schema: migrations/0002_composite.sql.
-- dialects: postgres
-- pass: the product of a line in scope, joined on its id alone
SELECT l.qty, p.name FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.org_id = :org AND l.id = $1
-- dialects: postgres
-- pass: LEFT JOIN from a line in scope to its product
SELECT l.id, p.name FROM order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.org_id = :org
-- dialects: postgres
-- pass: the product in a correlated subquery
SELECT l.id, (SELECT p.name FROM products p WHERE p.id = l.product_id) AS name FROM order_lines l WHERE l.org_id = :org
-- dialects: postgres
-- pass: products whose ids come from lines in scope
SELECT p.name FROM products p WHERE p.id IN (SELECT product_id FROM order_lines WHERE org_id = :org)
-- dialects: postgres
-- pass: insert a line with the tenant column set from the scope
INSERT INTO order_lines (id, org_id, product_id, qty) VALUES ($1, :org, $2, $3)
-- dialects: postgres
-- pass: point a line in scope at another product
UPDATE order_lines SET product_id = $1 WHERE org_id = :org AND id = $2
-- dialects: postgres
-- pass: an upsert on a key with the tenant column repoints the existing line in scope
INSERT INTO order_lines (id, org_id, product_id, qty) VALUES ($1, :org, $2, $3)
ON CONFLICT (org_id, id) DO UPDATE SET product_id = excluded.product_id, qty = excluded.qty
-- dialects: postgres
-- pass: the key into a parent keyed by (org_id, id) still pins an inserted line
INSERT INTO catalog_lines (id, org_id, item_id) VALUES ($1, :org, $2)
-- dialects: postgres
-- pass: a key without the tenant column, values from a region in scope (its id is unique)
INSERT INTO region_lines (id, org_id, region_id, region_code)
SELECT $1, :org, r.id, r.code FROM regions r WHERE r.org_id = :org AND r.id = $2
-- dialects: postgres
-- fail(missing-scope-filter): a one-column key can point at any tenant's product
SELECT p.name FROM wishlist_items w JOIN products p ON p.id = w.product_id WHERE w.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the tenant column at the wrong position of the key
SELECT p.name FROM swapped_lines l JOIN products p ON p.id = l.product_id WHERE l.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the parent's key is (org_id, id): the id alone matches other tenants' items
SELECT ci.name FROM catalog_lines cl JOIN catalog_items ci ON ci.id = cl.item_id WHERE cl.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a deferrable key can be violated inside the transaction
SELECT p.name FROM draft_lines l JOIN products p ON p.id = l.product_id WHERE l.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a key added NOT VALID leaves older rows unchecked
SELECT p.name FROM legacy_lines l JOIN products p ON p.id = l.product_id WHERE l.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the keys of the child are uncertain after an unknown drop
SELECT p.name FROM returned_lines l JOIN products p ON p.id = l.product_id WHERE l.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a nullable column of the key leaves it unchecked
SELECT p.name FROM bundle_lines b JOIN products p ON p.id = b.product_id WHERE b.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): a join on part of the key matches other tenants' variants
SELECT v.size FROM variant_lines vl JOIN variants v ON v.product_id = vl.product_id WHERE vl.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the product is preserved by the LEFT JOIN, the line is the optional side
SELECT p.name, l.qty FROM products p LEFT JOIN order_lines l ON l.product_id = p.id AND l.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the product is preserved by the RIGHT JOIN
SELECT p.name FROM order_lines l RIGHT JOIN products p ON p.id = l.product_id AND l.org_id = :org
-- dialects: postgres
-- fail(missing-scope-filter): the line itself is not in scope
SELECT p.name FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.id = $1
-- dialects: postgres
-- fail(cross-tenant-reference): a one-column key into a scoped table, set from an argument
INSERT INTO wishlist_items (id, org_id, product_id) VALUES ($1, :org, $2)
-- dialects: postgres
-- fail(cross-tenant-reference): the tenant column at the wrong position pins nothing
INSERT INTO swapped_lines (id, org_id, product_id) VALUES ($1, :org, $2)
-- dialects: postgres
-- fail(cross-tenant-reference): a deferrable key pins nothing
INSERT INTO draft_lines (id, org_id, product_id) VALUES ($1, :org, $2)
-- dialects: postgres
-- fail(cross-tenant-reference): a composite key without the tenant column, set from arguments
INSERT INTO region_lines (id, org_id, region_id, region_code) VALUES ($1, :org, $2, $3)
-- dialects: postgres
-- fail(cross-tenant-reference): the same key changed by an UPDATE
UPDATE region_lines SET region_id = $1, region_code = $2 WHERE org_id = :org AND id = $3
-- dialects: postgres
-- fail(unsafe-upsert): an upsert on the line's global key can repoint another tenant's line
INSERT INTO order_lines (id, org_id, product_id, qty) VALUES ($1, :org, $2, $3)
ON CONFLICT (id) DO UPDATE SET product_id = excluded.product_id
-- dialects: postgres
-- fail(cross-tenant-reference): the tenant column of the key set from an argument
UPDATE order_lines SET org_id = $1, product_id = $2 WHERE org_id = :org AND id = $3
