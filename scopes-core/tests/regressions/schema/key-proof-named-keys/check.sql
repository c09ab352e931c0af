-- expect: accepted
SELECT u.email FROM users u WHERE u.id IN (SELECT id FROM users WHERE org_id = :org);
