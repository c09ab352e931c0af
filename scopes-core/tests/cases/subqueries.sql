-- pass: FK table proven by IN (SELECT pk FROM parent scoped)
SELECT c.body FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site)
-- pass: FK table proven by a correlated EXISTS on a proven parent
SELECT c.body FROM comments c WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.site_id = :site)
-- pass: FK table proven by a scalar subquery equality
SELECT c.body FROM comments c WHERE c.post_id = (SELECT id FROM posts WHERE id = $1 AND site_id = :site)
-- fail(missing-scope-link): NOT EXISTS does not restrict the outer rows
SELECT c.body FROM comments c WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.site_id = :site)
-- fail(missing-scope-link): NOT IN does not restrict the outer rows
SELECT c.body FROM comments c WHERE c.post_id NOT IN (SELECT id FROM posts WHERE site_id = :site)
-- fail(missing-scope-link): IN under OR
SELECT c.body FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site) OR c.id = 1
-- pass: correlated subquery in the select list linked to a proven outer row
SELECT p.title, (SELECT count(*) FROM comments c WHERE c.post_id = p.id) AS n FROM posts p WHERE p.site_id = :site
-- fail(missing-scope-link): uncorrelated subquery in the select list
SELECT p.title, (SELECT count(*) FROM comments c) AS n FROM posts p WHERE p.site_id = :site
-- fail(missing-scope-filter): predicate in an unrelated subquery does not scope the outer query
SELECT id FROM posts WHERE EXISTS (SELECT 1 FROM sites WHERE id = :site)
-- pass: EXISTS linked to a scoped outer row
SELECT p.id FROM posts p WHERE p.site_id = :site AND EXISTS (SELECT 1 FROM comments c WHERE c.post_id = p.id)
-- pass: semijoin: IN (SELECT fk FROM child) pushed into the child
SELECT p.id FROM posts p WHERE p.site_id = :site AND p.id IN (SELECT post_id FROM comments WHERE body LIKE '%x%')
-- fail(missing-scope-link): semijoin with LIMIT inside cannot be pushed
SELECT p.id FROM posts p WHERE p.site_id = :site AND p.id IN (SELECT post_id FROM comments ORDER BY id LIMIT 5)
-- fail(missing-scope-link): NOT IN over every tenant's children
SELECT p.id FROM posts p WHERE p.site_id = :site AND p.id NOT IN (SELECT post_id FROM comments)
-- pass: NOT EXISTS linked to the scoped outer row
SELECT p.id FROM posts p WHERE p.site_id = :site AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.post_id = p.id)
-- fail(missing-scope-link): EXISTS with an aggregate always has a row
SELECT c.body FROM comments c WHERE EXISTS (SELECT count(*) FROM posts p WHERE p.id = c.post_id AND p.site_id = :site)
-- pass: subquery in HAVING linked to the group
SELECT p.author_id FROM posts p WHERE p.site_id = :site GROUP BY p.author_id HAVING count(*) > (SELECT count(*) FROM posts q WHERE q.site_id = :site) / 10
-- fail(missing-scope-filter): subquery in HAVING unscoped
SELECT p.author_id FROM posts p WHERE p.site_id = :site GROUP BY p.author_id HAVING count(*) > (SELECT count(*) FROM posts q)
-- pass: subquery in an ON clause, scoped
SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id AND u.id IN (SELECT author_id FROM posts WHERE site_id = :site) WHERE p.site_id = :site
-- fail(missing-scope-filter): subquery in an ON clause, unscoped
SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id AND u.id IN (SELECT author_id FROM posts) WHERE p.site_id = :site
-- pass: nested subqueries, each scoped
SELECT id FROM posts WHERE site_id = :site AND author_id IN (SELECT author_id FROM notes WHERE site_id = :site AND author_id = :user AND body IN (SELECT body FROM comments c WHERE c.post_id IN (SELECT id FROM posts WHERE site_id = :site)))
-- fail(missing-scope-link): deepest subquery unscoped
SELECT id FROM posts WHERE site_id = :site AND author_id IN (SELECT author_id FROM notes WHERE site_id = :site AND author_id = :user AND body IN (SELECT body FROM comments c))
-- pass: inner alias shadows the outer one
SELECT p.id FROM posts p WHERE p.site_id = :site AND EXISTS (SELECT 1 FROM posts p WHERE p.site_id = :site)
-- fail(missing-scope-filter): shadowed alias: the inner p is not filtered
SELECT p.id FROM posts p WHERE p.site_id = :site AND EXISTS (SELECT 1 FROM posts p WHERE p.id = 3)
-- pass: correlated reference to the outer scope column
SELECT p.id FROM posts p WHERE p.site_id = :site AND EXISTS (SELECT 1 FROM notes n WHERE n.site_id = p.site_id AND n.author_id = :user)
-- pass: subquery in a CASE in the select list, scoped
SELECT CASE WHEN EXISTS (SELECT 1 FROM posts WHERE site_id = :site) THEN 1 ELSE 0 END
-- fail(missing-scope-filter): subquery in a function argument, unscoped
SELECT coalesce((SELECT max(id) FROM posts), 0)
-- pass: two-level correlation through an intermediate table
SELECT p.id FROM posts p WHERE p.site_id = :site AND EXISTS (SELECT 1 FROM comments c WHERE c.post_id = p.id AND EXISTS (SELECT 1 FROM bookmarks b WHERE b.post_id = c.post_id AND b.user_id = :user))
-- dialects: sqlite
-- fail(unsupported-sql): IN a bare table name (SQLite) is not analyzed
SELECT id FROM posts WHERE site_id = :site AND id IN comments
-- pass: scope placeholder compared via a scalar subquery on sites
SELECT name FROM sites WHERE id = (SELECT site_id FROM posts WHERE id = $1 AND site_id = :site)
-- dialects: mysql
-- fail(missing-scope-filter): bare `?` are different arguments: the EXISTS may prove another key
SELECT p.title FROM posts p WHERE p.id = ? AND EXISTS (SELECT 1 FROM posts WHERE id = ? AND site_id = :site)
-- dialects: sqlite
-- pass: a row pinned by its key to `?1` and an EXISTS proving the same `?1` in scope
SELECT p.title FROM posts p WHERE p.id = ?1 AND EXISTS (SELECT 1 FROM posts WHERE id = ?1 AND site_id = :site)
-- dialects: postgres
-- pass: a DELETE pinned by its key and an EXISTS on the same argument
DELETE FROM posts WHERE id = $1 AND EXISTS (SELECT 1 FROM posts p2 WHERE p2.id = $1 AND p2.site_id = :site)
