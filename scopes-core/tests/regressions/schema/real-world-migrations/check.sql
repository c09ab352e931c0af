-- The foreign key from a drizzle DO block restricts.
-- expect: rejected cross-tenant-reference
INSERT INTO posts (id, org_id, author_id, editor_id) VALUES ($1, :org, $2, $3);

-- expect: accepted
INSERT INTO posts (id, org_id, author_id, editor_id) SELECT $1, :org, $2, u.id FROM users u WHERE u.id = $3 AND u.org_id = :org;
