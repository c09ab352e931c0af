-- expect: rejected opaque-function
SELECT slugify(p.title) FROM posts p WHERE p.org_id = :org;
