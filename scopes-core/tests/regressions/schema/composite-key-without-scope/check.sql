-- why: composite foreign keys were left out of the cross-tenant-reference check, so a row could
--   reference another tenant's region through a key that does not carry the tenant column
--   (issue 11).
-- expect: rejected cross-tenant-reference
INSERT INTO region_lines (org_id, region_id, region_code) VALUES (:org, $1, $2);

-- expect: rejected cross-tenant-reference
UPDATE region_lines SET region_id = $1 WHERE org_id = :org;

-- The values taken from a region in scope (its id is unique) are a reference in scope.
-- expect: accepted
INSERT INTO region_lines (org_id, region_id, region_code) SELECT :org, r.id, r.code FROM regions r WHERE r.id = $1 AND r.org_id = :org;

-- A key that carries the tenant column, pinned to the scope: the database keeps the product in
-- the tenant.
-- expect: accepted
INSERT INTO order_lines (org_id, product_id) VALUES (:org, $1);

-- The tenant column of the key set from an argument pins nothing.
-- expect: rejected cross-tenant-reference
INSERT INTO order_lines (org_id, product_id) VALUES ($2, $1);
