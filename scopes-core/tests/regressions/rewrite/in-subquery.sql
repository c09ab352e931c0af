-- A scope placeholder inside an IN subquery is rewritten like any other.
-- dialect: postgres
-- status: fixed
SELECT c.id FROM comments c WHERE c.post_id IN (SELECT p.id FROM posts p WHERE p.site_id = :site)
