-- dialects: postgres
-- pass: the placeholder cast to the dimension's own type (i64: bigint)
SELECT id, title FROM posts p WHERE p.site_id = :site::bigint
-- dialects: postgres
-- pass: CAST() spelling, int8, placeholder on the left
SELECT id FROM posts p WHERE CAST(:site AS int8) = p.site_id AND p.id = $1
-- dialects: postgres
-- pass: INSERT VALUES with the cast placeholder
INSERT INTO posts (site_id, title, slug) VALUES (:site::bigint, $1, $2)
-- dialects: postgres
-- pass: UPDATE filtered and set with the cast placeholder
UPDATE posts SET site_id = :site::bigint, title = $1 WHERE site_id = :site::bigint AND id = $2
-- dialects: sqlite
-- pass: SQLite CAST to INTEGER
SELECT id FROM posts WHERE site_id = CAST(:site AS INTEGER)
-- dialects: mysql
-- pass: MySQL CAST to SIGNED
SELECT id FROM posts WHERE site_id = CAST(:site AS SIGNED)
-- dialects: postgres
-- fail(missing-scope-filter): a cast to text is not the scope value
SELECT id FROM posts WHERE site_id::text = :site::text
-- dialects: postgres
-- fail(missing-scope-filter): a cast to another integer width is not the scope value
SELECT id FROM posts WHERE site_id = :site::integer
-- dialects: postgres
-- fail(missing-scope-filter): a cast to a float can merge values
SELECT id FROM posts WHERE site_id = :site::double precision
-- dialects: postgres
-- fail(insert-scope-column): INSERT with the placeholder cast to another type
INSERT INTO posts (site_id, title, slug) VALUES (:site::numeric, $1, $2)
-- dialects: postgres
-- fail(scope-column-write): SET to the placeholder cast to text
UPDATE posts SET site_id = :site::text WHERE site_id = :site
-- dialects: postgres
-- fail(missing-scope-filter): the cast placeholder under OR
SELECT id FROM posts WHERE site_id = :site::bigint OR published
-- dialects: sqlite
-- fail(missing-scope-filter): SQLite CAST to REAL
SELECT id FROM posts WHERE site_id = CAST(:site AS REAL)
-- dialects: mysql
-- fail(missing-scope-filter): MySQL CAST to UNSIGNED wraps negative values
SELECT id FROM posts WHERE site_id = CAST(:site AS UNSIGNED)
