-- expect: rejected cross-tenant-reference
INSERT INTO notifications (org_id, user_id) VALUES (:org, $1);

-- expect: accepted
SELECT u.id FROM users u WHERE u.id IN (SELECT id FROM users WHERE org_id = :org);
