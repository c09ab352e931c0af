-- dialect: sqlite
-- status: fixed
-- found by: scopes-difftest soak, seed 1000436489 (site 3, user 1)
-- why: fails only on the tenant's copy: FOREIGN KEY constraint failed. Same class as
--   sqlite-seed-1000904051.sql, through UPDATE ... FROM: comment_id set to another tenant's comment.
UPDATE comment_group_members AS t1 SET comment_id = 2 FROM comment_groups p2 WHERE t1.group_id = p2.id AND p2.site_id = :site AND t1.comment_id BETWEEN 2 AND 5;
