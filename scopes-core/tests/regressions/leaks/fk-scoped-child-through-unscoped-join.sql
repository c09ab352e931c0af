-- comments are scoped through posts; a join on a column that is not the foreign key proves
-- nothing about which site a comment belongs to.
-- dialect: sqlite
-- status: fixed
SELECT c.id FROM comments c JOIN posts p ON p.site_id = c.id WHERE p.site_id = :site
