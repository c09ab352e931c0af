-- pass: derived table scoped inside
SELECT t.title FROM (SELECT title FROM posts WHERE site_id = :site) t
-- pass: derived table filtered where it is used (pushable)
SELECT t.title FROM (SELECT title, site_id FROM posts) t WHERE t.site_id = :site
-- pass: derived table with star, filtered outside
SELECT * FROM (SELECT * FROM posts) t WHERE t.site_id = :site
-- fail(missing-scope-filter): paginate before scope: LIMIT inside, filter outside
SELECT * FROM (SELECT * FROM posts LIMIT 10) t WHERE t.site_id = :site
-- fail(missing-scope-filter): OFFSET inside, filter outside
SELECT * FROM (SELECT * FROM posts ORDER BY id LIMIT 10 OFFSET 5) t WHERE t.site_id = :site
-- fail(missing-scope-filter): aggregate without GROUP BY inside, filter outside
SELECT * FROM (SELECT max(site_id) AS site_id, count(*) AS n FROM posts) t WHERE t.site_id = :site
-- pass: aggregate grouped by the scope column, filter outside
SELECT t.n FROM (SELECT site_id, count(*) AS n FROM posts GROUP BY site_id) t WHERE t.site_id = :site
-- fail(missing-scope-filter): aggregate grouped by another column, filter outside
SELECT t.n FROM (SELECT author_id, max(site_id) AS site_id, count(*) AS n FROM posts GROUP BY author_id) t WHERE t.site_id = :site
-- fail(missing-scope-filter): window over every tenant, filter outside
SELECT * FROM (SELECT site_id, row_number() OVER (ORDER BY id) AS rn FROM posts) t WHERE t.site_id = :site
-- pass: window partitioned by the scope column, filter outside
SELECT * FROM (SELECT site_id, row_number() OVER (PARTITION BY site_id ORDER BY id) AS rn FROM posts) t WHERE t.site_id = :site
-- dialects: postgres
-- fail(missing-scope-filter): DISTINCT ON another column, filter outside
SELECT * FROM (SELECT DISTINCT ON (slug) slug, site_id FROM posts) t WHERE t.site_id = :site
-- dialects: postgres
-- pass: DISTINCT ON including the scope column, filter outside
SELECT * FROM (SELECT DISTINCT ON (site_id, slug) slug, site_id FROM posts) t WHERE t.site_id = :site
-- fail(missing-scope-filter): scope column not exported, filter on a renamed other column
SELECT * FROM (SELECT author_id AS site_id FROM posts) t WHERE t.site_id = :site
-- pass: renamed scope column
SELECT * FROM (SELECT site_id AS s, title FROM posts) t WHERE t.s = :site
-- pass: derived table column list renames
SELECT * FROM (SELECT site_id, title FROM posts) AS t (s, ttl) WHERE t.s = :site
-- fail(missing-scope-filter): expression over the scope column cannot be pushed
SELECT * FROM (SELECT site_id + 0 AS s FROM posts) t WHERE t.s = :site
-- pass: derived table of a join, filtered outside through the parent
SELECT t.body FROM (SELECT p.site_id, c.body FROM posts p JOIN comments c ON c.post_id = p.id) t WHERE t.site_id = :site
-- pass: child derived table linked outside to a proven parent
SELECT c.body FROM posts p JOIN (SELECT post_id, body FROM comments) c ON c.post_id = p.id WHERE p.site_id = :site
-- fail(missing-scope-link): child derived table with LIMIT linked outside
SELECT c.body FROM posts p JOIN (SELECT post_id, body FROM comments LIMIT 3) c ON c.post_id = p.id WHERE p.site_id = :site
-- pass: nested derived tables, filter at the top
SELECT * FROM (SELECT * FROM (SELECT site_id, title FROM posts) a) b WHERE b.site_id = :site
-- fail(missing-scope-filter): nested derived tables, LIMIT in the middle
SELECT * FROM (SELECT * FROM (SELECT site_id, title FROM posts) a LIMIT 5) b WHERE b.site_id = :site
-- fail(missing-scope-filter): derived filtered only in a LEFT JOIN ON (preserved side)
SELECT * FROM (SELECT site_id, title FROM posts) t LEFT JOIN sites s ON s.id = t.site_id AND t.site_id = :site
-- pass: derived table on the nullable side filtered in ON
SELECT u.name, t.title FROM users u LEFT JOIN (SELECT author_id, site_id, title FROM posts) t ON t.author_id = u.id AND t.site_id = :site
-- pass: union inside a derived table, filtered outside
SELECT * FROM (SELECT site_id, title FROM posts UNION ALL SELECT site_id, name FROM comment_groups) u WHERE u.site_id = :site
-- fail(missing-scope-filter): union branch with the scope column in another position
SELECT * FROM (SELECT site_id, title FROM posts UNION ALL SELECT id, name FROM comment_groups) u WHERE u.site_id = :site
-- pass: derived with a correlated subquery to a proven outer row
SELECT p.id FROM posts p WHERE p.site_id = :site AND EXISTS (SELECT 1 FROM (SELECT post_id FROM comments c WHERE c.post_id = p.id) x)
