-- pass: CTE scoped inside
WITH mine AS (SELECT id, title FROM posts WHERE site_id = :site) SELECT title FROM mine
-- pass: CTE filtered where it is used
WITH allp AS (SELECT id, site_id, title FROM posts) SELECT title FROM allp WHERE site_id = :site
-- fail(missing-scope-filter): CTE with LIMIT filtered where used
WITH allp AS (SELECT id, site_id, title FROM posts LIMIT 10) SELECT title FROM allp WHERE site_id = :site
-- fail(missing-scope-filter): CTE used twice, filtered once
WITH allp AS (SELECT id, site_id, title FROM posts) SELECT a.title FROM allp a, allp b WHERE a.site_id = :site
-- pass: CTE used twice, both filtered
WITH allp AS (SELECT id, site_id, title FROM posts) SELECT a.title FROM allp a JOIN allp b ON b.site_id = a.site_id WHERE a.site_id = :site
-- fail(missing-scope-filter): unreferenced CTE is still checked
WITH leak AS (SELECT * FROM posts) SELECT 1
-- pass: CTE chain, the later one links to the earlier
WITH p AS (SELECT id FROM posts WHERE site_id = :site), c AS (SELECT body FROM comments WHERE post_id IN (SELECT id FROM p)) SELECT body FROM c
-- pass: CTE name shadows a table
WITH posts AS (SELECT 1 AS id) SELECT id FROM posts
-- dialects: postgres
-- pass: a CTE that reads its namesake table, filtered where used
WITH posts AS (SELECT * FROM posts) SELECT * FROM posts WHERE site_id = :site LIMIT 1
-- fail(missing-scope-filter): a CTE that reads its namesake table is not recursive
WITH posts AS (SELECT * FROM posts) SELECT * FROM posts
-- pass: recursive CTE over comments of a scoped post
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n
-- pass: recursive CTE: scoped base, recursive step linked to the CTE rows
WITH RECURSIVE chain(id, post_id) AS (SELECT c.id, c.post_id FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site) UNION ALL SELECT c.id, c.post_id FROM comments c JOIN chain ON c.post_id = chain.post_id AND c.id > chain.id) SELECT id FROM chain
-- fail(missing-scope-link): recursive step not linked to the scoped rows
WITH RECURSIVE chain(id, post_id) AS (SELECT c.id, c.post_id FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site) UNION ALL SELECT c.id, c.post_id FROM comments c JOIN chain ON c.id = chain.id + 1) SELECT id FROM chain
-- fail(missing-scope-filter): recursive CTE filtered only outside
WITH RECURSIVE t(id, site_id) AS (SELECT id, site_id FROM posts UNION SELECT p.id, p.site_id FROM posts p JOIN t ON p.id = t.id + 1) SELECT * FROM t WHERE site_id = :site
-- dialects: postgres
-- pass: data-modifying CTE, scoped
WITH d AS (DELETE FROM posts WHERE site_id = :site AND id = $1 RETURNING id) SELECT count(*) FROM d
-- dialects: postgres
-- fail(missing-scope-filter): data-modifying CTE, unscoped, even unreferenced
WITH d AS (DELETE FROM posts WHERE id = $1 RETURNING id) SELECT 1
