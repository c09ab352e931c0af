-- dialect: postgres
-- status: fixed
-- class: cross-tenant reference through a non-scope foreign key (comment_group_members.comment_id); 30 findings in the 100,000-statement PostgreSQL soak, all this class
-- found by: scopes-difftest, seed 2000057728 (site 2, user 2)
-- why: fails only on the tenant's copy: error returned from database: insert or update on table "comment_group_members" violates foreign key constraint "comment_group_members_comment_id_fkey" at line 2650
-- generated: INSERT INTO comment_group_members (group_id, comment_id) SELECT s1.id, 13 FROM comment_groups s1 WHERE s1.site_id IN (:site)
INSERT INTO comment_group_members (group_id, comment_id) SELECT s1.id, 13 FROM comment_groups s1 WHERE s1.site_id IN (:site);
