-- expect: accepted
SELECT slugify(p.title) FROM posts p WHERE p.org_id = :org;

-- Like a built-in, it proves nothing about the rows it is given.
-- expect: rejected missing-scope-filter
SELECT slugify(p.title) FROM posts p;

-- expect: rejected opaque-function
SELECT post_count(:org);
