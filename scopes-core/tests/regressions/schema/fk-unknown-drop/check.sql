-- why: the loader used to forget every foreign key of `notifications` after the unknown drop,
--   so the reference to another tenant's user was accepted (issue 11).
-- expect: rejected cross-tenant-reference
INSERT INTO notifications (org_id, user_id) VALUES (:org, $2);

-- expect: rejected cross-tenant-reference
UPDATE notifications SET user_id = $1 WHERE org_id = :org;

-- The user taken from a scoped source is still proven.
-- expect: accepted
INSERT INTO notifications (org_id, user_id) SELECT :org, u.id FROM users u WHERE u.id = $1 AND u.org_id = :org;
