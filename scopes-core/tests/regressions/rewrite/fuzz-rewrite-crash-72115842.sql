-- dialect: sqlite
-- status: fixed
-- found by: fuzz target `rewrite` (artifact crash-72115842ba9d84d8f205a402a7a4399fe57b3d91, after
--   768 executions): `rewrite` returned Reparse for an accepted statement; same bug as
--   in-list-many.sql (`IN (SELECT value FROM json_each(?1)))`).
DELETE FROM posts WHERE posts.site_id IN (:site) AND NOT posts.published
