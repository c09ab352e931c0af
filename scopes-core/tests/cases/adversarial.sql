-- fail(missing-scope-filter): global rows via OR IS NULL without parentheses
SELECT id FROM posts p WHERE p.site_id = :site OR p.site_id IS NULL
-- fail(missing-scope-filter): comparison of a comparison
SELECT id FROM posts p WHERE (p.site_id = :site) = true
-- fail(missing-scope-filter): COALESCE around the scope column
SELECT id FROM posts p WHERE coalesce(p.site_id, :site) = :site
-- fail(missing-scope-filter): arithmetic on the placeholder
SELECT id FROM posts p WHERE p.site_id = :site + 0
-- dialects: postgres mysql
-- fail(missing-scope-filter): CAST of the placeholder to a type other than the dimension's own is not proven (SQLite's INTEGER is an i64's own: casts.sql)
SELECT id FROM posts p WHERE p.site_id = CAST(:site AS INTEGER)
-- fail(missing-scope-filter): the filter on an unrelated joined tenant row
SELECT p.title FROM posts p JOIN sites s ON s.id = :site
-- pass: the filter on the joined tenant row reaches the post through a chain
SELECT p.title FROM posts p JOIN sites s ON s.id = p.site_id WHERE s.id = :site
-- fail(missing-scope-filter): UPDATE pulls another tenant's row into mine
UPDATE posts SET site_id = :site WHERE id = $1
-- fail(missing-scope-filter): INSERT ... SELECT copies another tenant's row into mine
INSERT INTO posts (site_id, title, slug) SELECT :site, title, slug FROM posts WHERE id = $1
-- fail(missing-scope-filter): DELETE with OR TRUE
DELETE FROM posts WHERE site_id = :site OR true
-- pass: window over the tenant's rows only
SELECT id, count(*) OVER () FROM posts WHERE site_id = :site
-- fail(missing-scope-filter): scalar subquery over every tenant in a filter
SELECT id FROM posts p WHERE p.site_id = :site AND p.id = (SELECT max(id) FROM posts)
-- fail(missing-scope-filter): second statement unscoped
SELECT * FROM posts WHERE site_id = :site; DELETE FROM posts
-- dialects: postgres mysql
-- fail(missing-scope-filter): EXPLAIN ANALYZE of an unscoped write
EXPLAIN ANALYZE DELETE FROM posts
-- pass: a scoped view listed in scopes.toml
SELECT title FROM published_posts WHERE site_id = :site
-- fail(missing-scope-filter): a scoped view without its filter
SELECT title FROM published_posts
-- fail(unscoped-view): a view over scoped tables not listed in scopes.toml
SELECT n FROM post_stats WHERE site_id = :site
-- unscoped
-- pass: an unlisted view with the unscoped marker
SELECT n FROM post_stats
-- fail(missing-scope-filter): uniqueness probe across tenants
SELECT 1 FROM posts WHERE slug = $1
-- pass: uniqueness probe within the tenant
SELECT 1 FROM posts WHERE slug = $1 AND site_id = :site
-- fail(missing-scope-link): existence of a child by id
SELECT EXISTS (SELECT 1 FROM comments WHERE id = $1)
-- pass: existence of a child by id in the tenant
SELECT EXISTS (SELECT 1 FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = $1 AND p.site_id = :site)
-- fail(missing-scope-filter): LEFT JOIN with the filter only in ON, counting every tenant's posts
SELECT count(*) FROM posts p LEFT JOIN comments c ON c.post_id = p.id AND p.site_id = :site
-- fail(missing-scope-filter): outer join ON cannot restrict the preserved derived table
SELECT t.title FROM (SELECT title, site_id FROM posts) t LEFT JOIN users u ON t.site_id = :site
-- fail(missing-scope-filter): IN list with the placeholder and NULL
SELECT id FROM posts WHERE site_id IN (:site, NULL)
-- fail(missing-scope-filter): NOT IN with the placeholder
SELECT id FROM posts WHERE site_id NOT IN (:site)
-- fail(missing-scope-filter): BETWEEN the placeholder and itself is not accepted
SELECT id FROM posts WHERE site_id BETWEEN :site AND :site
-- fail(missing-scope-link): comment reached only through a bookmark of another dimension
SELECT c.body FROM comments c JOIN bookmarks b ON b.post_id = c.post_id WHERE b.user_id = :user
-- pass: comments reached through a proven bookmark's post
SELECT c.body FROM comments c JOIN bookmarks b ON b.post_id = c.post_id JOIN posts p ON p.id = b.post_id WHERE b.user_id = :user AND p.site_id = :site
-- fail(missing-scope-filter): a row alias shadowing the table name
SELECT posts.id FROM posts AS x, posts WHERE x.site_id = :site
-- fail(missing-scope-filter): GROUP BY the scope column does not filter
SELECT site_id, count(*) FROM posts GROUP BY site_id
-- fail(missing-scope-filter): ORDER BY the scope column does not filter
SELECT id FROM posts ORDER BY site_id = :site DESC LIMIT 1
-- fail(missing-scope-filter): the placeholder in the select list does not filter
SELECT :site, id FROM posts
-- fail(missing-scope-filter): filter inside a function call
SELECT id FROM posts WHERE coalesce(site_id = :site, true)
-- dialects: postgres
-- fail(missing-scope-filter): ANY over an array is not accepted
SELECT id FROM posts WHERE site_id = ANY(ARRAY[:site, 2])
