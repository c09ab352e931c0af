-- expect: rejected cross-tenant-reference
INSERT INTO notes (id, org_id, user_id) VALUES ($1, :org, $2);

-- expect: accepted
SELECT n.id FROM notes n WHERE n.org_id = :org;
