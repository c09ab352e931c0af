-- The posts of the active site, newest first (used by scoped_query_file_as! in tests/sqlite.rs).
SELECT p.id, p.title
  FROM posts p
 WHERE p.site_id = :site
 ORDER BY p.id DESC
