-- why: `id` proves the outer row is the in-scope row only while `id` is certainly unique; the
--   loader used to keep the primary key as certain after the unknown drop.
-- expect: rejected missing-scope-filter
SELECT u.email FROM users u WHERE u.id IN (SELECT id FROM users WHERE org_id = :org);

-- The direct filter needs no key.
-- expect: accepted
SELECT u.email FROM users u WHERE u.org_id = :org;
