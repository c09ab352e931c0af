-- why: the loader used to skip expression and partial unique indexes, so a silent skip on
--   another tenant's address was accepted.
-- expect: rejected unsafe-upsert
INSERT INTO users (org_id, email) VALUES (:org, $1) ON CONFLICT DO NOTHING;

-- A key that holds the scope column can only conflict within the tenant.
-- expect: accepted
INSERT INTO invoices (org_id, number) VALUES (:org, $1) ON CONFLICT DO NOTHING;
