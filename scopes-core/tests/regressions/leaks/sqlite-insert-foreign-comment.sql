-- dialect: sqlite
-- status: fixed
-- found by: hand, after the soak's UPDATE findings (scopes check accepts it; the generator now
--   produces this shape as a near miss)
-- why: the inserted row is in the tenant (group from a scoped source) but references comment 2,
--   which belongs to site 2: a cross-tenant reference through a foreign key that is not the scope
--   path. On the tenant's copy the insert fails (comment 2 does not exist there).
INSERT INTO comment_group_members (group_id, comment_id) SELECT g.id, 2 FROM comment_groups g WHERE g.site_id = :site;
