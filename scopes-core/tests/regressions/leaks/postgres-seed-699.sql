-- dialect: postgres
-- status: fixed
-- class: cross-tenant reference through a non-scope foreign key (comment_group_members.comment_id)
-- found by: scopes-difftest, seed 699 (site 1, user 1), in the seeds `cargo test` runs (0..1500)
-- why: fails only on the tenant's copy: insert or update on table "comment_group_members" violates
--   foreign key constraint "comment_group_members_comment_id_fkey" (comment 3 is site 3's).
INSERT INTO comment_group_members (group_id, comment_id) VALUES ((SELECT x1.id FROM comment_groups x1 WHERE x1.id = 4 AND x1.site_id = :site), 3);
