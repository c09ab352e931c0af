-- The same dimension twice, in a CTE and in the outer query: both occurrences are rewritten.
-- dialect: sqlite
-- status: fixed
WITH mine AS (SELECT id FROM posts WHERE site_id = :site)
SELECT n.id FROM notes n JOIN mine m ON n.id = m.id WHERE n.site_id = :site AND n.author_id = :user
