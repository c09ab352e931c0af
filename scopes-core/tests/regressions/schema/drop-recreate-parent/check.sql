-- expect: rejected cross-tenant-reference
INSERT INTO notifications (org_id, user_id) VALUES (:org, $1);
