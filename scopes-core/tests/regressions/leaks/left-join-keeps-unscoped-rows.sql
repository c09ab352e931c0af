-- The filter on the right side of a LEFT JOIN does not restrict the left side's rows.
-- dialect: postgres
-- status: fixed
SELECT p.id, p.title FROM posts p LEFT JOIN sites s ON s.id = p.site_id AND s.id = :site
