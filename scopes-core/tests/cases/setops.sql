-- pass: every UNION branch scoped
SELECT title FROM posts WHERE site_id = :site UNION SELECT name FROM comment_groups WHERE site_id = :site
-- fail(missing-scope-filter): one UNION branch unscoped
SELECT title FROM posts WHERE site_id = :site UNION ALL SELECT name FROM comment_groups
-- fail(missing-scope-filter): INTERSECT branch unscoped (existence oracle)
SELECT title FROM posts WHERE site_id = :site INTERSECT SELECT title FROM posts
-- fail(missing-scope-filter): EXCEPT branch unscoped
SELECT title FROM posts WHERE site_id = :site EXCEPT SELECT title FROM posts
-- pass: UNION with a global branch
SELECT title FROM posts WHERE site_id = :site UNION SELECT name FROM users
-- dialects: sqlite postgres
-- pass: parenthesized branches with ORDER BY and LIMIT
SELECT * FROM ((SELECT id FROM posts WHERE site_id = :site) UNION (SELECT id FROM comment_groups WHERE site_id = :site)) u ORDER BY id LIMIT 3
-- pass: VALUES as a derived table is global
SELECT * FROM (VALUES (1), (2)) AS v (x)
-- pass: union feeding a semijoin
SELECT c.body FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site UNION SELECT id FROM posts WHERE site_id = :site AND published)
-- fail(missing-scope-link): union feeding a semijoin, one branch unscoped
SELECT c.body FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site UNION SELECT id FROM posts)
