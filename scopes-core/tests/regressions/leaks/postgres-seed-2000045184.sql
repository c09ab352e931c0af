-- dialect: postgres
-- status: fixed
-- class: cross-tenant reference through a non-scope foreign key (comment_group_members.comment_id); 30 findings in the 100,000-statement PostgreSQL soak, all this class
-- found by: scopes-difftest, seed 2000045184 (site 1, user 1)
-- why: fails only on the tenant's copy: error returned from database: insert or update on table "comment_group_members" violates foreign key constraint "comment_group_members_comment_id_fkey" at line 2650
-- generated: INSERT INTO comment_group_members (group_id, comment_id) VALUES ((SELECT x1.id FROM comment_groups x1 WHERE x1.id = 4 AND x1.site_id = :site), 2), ((SELECT x2.id FROM comment_groups x2 WHERE x2.id = 4 AND x2.site_id IN (:site)), 1) ON CONFLICT DO NOTHING RETURNING comment_id
INSERT INTO comment_group_members (group_id, comment_id) VALUES ((SELECT x1.id FROM comment_groups x1 WHERE x1.id = 4 AND x1.site_id = :site), 2);
