-- expect: rejected cross-tenant-reference
INSERT INTO notifications (org_id, member_id) VALUES (:org, $1);

-- expect: accepted
INSERT INTO notifications (org_id, member_id) SELECT :org, m.member_id FROM members m WHERE m.member_id = $1 AND m.org_id = :org;
