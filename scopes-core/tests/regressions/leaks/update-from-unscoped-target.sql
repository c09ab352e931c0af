-- UPDATE ... FROM with the scope filter on the FROM table only: the target is any site's row.
-- dialect: postgres
-- status: fixed
UPDATE posts SET title = 'x' FROM sites s WHERE s.id = :site
