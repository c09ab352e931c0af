-- pass: UPDATE with the scope filter
UPDATE posts SET title = $1 WHERE id = $2 AND site_id = :site
-- fail(missing-scope-filter): UPDATE by primary key only
UPDATE posts SET title = $1 WHERE id = $2
-- fail(missing-scope-filter): UPDATE with the filter under OR
UPDATE posts SET title = $1 WHERE site_id = :site OR id = $2
-- fail(scope-column-write): UPDATE moves the row to another tenant
UPDATE posts SET site_id = $1 WHERE id = $2 AND site_id = :site
-- pass: UPDATE sets the scope column to the placeholder
UPDATE posts SET site_id = :site, title = $1 WHERE id = $2 AND site_id = :site
-- fail(scope-column-write): UPDATE moves a child to an unproven parent
UPDATE comments SET post_id = $1 WHERE id = $2 AND post_id IN (SELECT id FROM posts WHERE site_id = :site)
-- pass: UPDATE moves a child to a parent proven by a scalar subquery (NOT NULL column)
UPDATE comments SET post_id = (SELECT id FROM posts WHERE id = $1 AND site_id = :site) WHERE id = $2 AND post_id IN (SELECT id FROM posts WHERE site_id = :site)
-- fail(scope-key-write): UPDATE of a key that children use to belong to the row
UPDATE posts SET id = $1 WHERE id = $2 AND site_id = :site
-- pass: UPDATE of a child through its parent key
UPDATE comments SET body = $1 WHERE id = $2 AND post_id IN (SELECT id FROM posts WHERE site_id = :site)
-- pass: UPDATE by id restricted to the tenant's ids
UPDATE posts SET title = $1 WHERE id IN (SELECT id FROM posts WHERE site_id = :site AND published)
-- fail(missing-scope-filter): UPDATE with an unscoped subquery in SET
UPDATE posts SET title = (SELECT title FROM posts WHERE id = $1) WHERE id = $2 AND site_id = :site
-- dialects: postgres sqlite
-- pass: UPDATE ... FROM with both sides scoped
UPDATE comments SET body = p.title FROM posts p WHERE comments.post_id = p.id AND p.site_id = :site
-- dialects: postgres sqlite
-- fail(missing-scope-link): UPDATE ... FROM where the target is not linked
UPDATE comments SET body = p.title FROM posts p WHERE p.site_id = :site
-- dialects: postgres sqlite
-- fail(missing-scope-filter): UPDATE ... FROM an unscoped table
UPDATE comments SET body = p.title FROM posts p WHERE comments.post_id = p.id
-- dialects: mysql
-- pass: MySQL multi-table UPDATE, all scoped
UPDATE comments c JOIN posts p ON c.post_id = p.id SET c.body = p.title WHERE p.site_id = :site
-- dialects: mysql
-- fail(scope-column-write): MySQL multi-table UPDATE moving the joined parent
UPDATE comments c JOIN posts p ON c.post_id = p.id SET p.site_id = 2 WHERE p.site_id = :site
-- dialects: postgres
-- pass: UPDATE ... RETURNING
UPDATE posts SET title = $1 WHERE id = $2 AND site_id = :site RETURNING id, title
-- pass: DELETE with the scope filter
DELETE FROM posts WHERE id = $1 AND site_id = :site
-- fail(missing-scope-filter): DELETE by primary key only
DELETE FROM posts WHERE id = $1
-- fail(missing-scope-filter): DELETE everything
DELETE FROM posts
-- pass: DELETE a child through the parent
DELETE FROM comments WHERE id = $1 AND post_id IN (SELECT id FROM posts WHERE site_id = :site)
-- fail(missing-scope-link): DELETE children with an unscoped IN subquery
DELETE FROM comments WHERE post_id IN (SELECT id FROM posts WHERE title = $1)
-- dialects: postgres
-- pass: DELETE ... USING, linked and scoped
DELETE FROM comments c USING posts p WHERE c.post_id = p.id AND p.site_id = :site AND c.id = $1
-- dialects: mysql
-- pass: MySQL multi-table DELETE, scoped
DELETE c FROM comments c JOIN posts p ON c.post_id = p.id WHERE p.site_id = :site AND c.id = ?
-- dialects: mysql
-- fail(missing-scope-link): MySQL multi-table DELETE, not linked
DELETE c FROM comments c JOIN posts p ON p.site_id = :site WHERE c.id = ?
-- pass: INSERT with the placeholder
INSERT INTO posts (site_id, title, slug) VALUES (:site, $1, $2)
-- pass: INSERT several rows, each with the placeholder
INSERT INTO posts (site_id, title, slug) VALUES (:site, 'a', 'a'), (:site, 'b', 'b')
-- fail(insert-scope-column): INSERT with a literal tenant
INSERT INTO posts (site_id, title, slug) VALUES (1, $1, $2)
-- fail(insert-scope-column): INSERT with the tenant from a user parameter
INSERT INTO posts (site_id, title, slug) VALUES ($1, $2, $3)
-- fail(insert-scope-column): INSERT, one row with a literal tenant
INSERT INTO posts (site_id, title, slug) VALUES (:site, 'a', 'a'), (2, 'b', 'b')
-- fail(insert-scope-column): INSERT without the scope column
INSERT INTO posts (title, slug) VALUES ($1, $2)
-- dialects: sqlite postgres
-- fail(insert-scope-column): INSERT DEFAULT VALUES
INSERT INTO posts DEFAULT VALUES
-- pass: INSERT without a column list, by schema order
INSERT INTO sites VALUES (:site, 'name', 'example.org')
-- pass: INSERT without a column list, the scope column second in schema order (issue 11)
INSERT INTO posts VALUES (NULL, :site, NULL, 'title', 'slug', '', FALSE)
-- fail(insert-scope-column): INSERT without a column list, the placeholder in another column's position
INSERT INTO posts VALUES (:site, 1, NULL, 'title', 'slug', '', FALSE)
-- fail(insert-scope-column): INSERT without a column list and fewer values than columns: positions not proven
INSERT INTO posts VALUES (NULL, :site)
-- fail(insert-scope-column): INSERT without a column list and more values than columns
INSERT INTO posts VALUES (NULL, :site, NULL, 'title', 'slug', '', FALSE, 1)
-- pass: INSERT ... SELECT without a column list from a scoped source, by schema order
INSERT INTO notes SELECT NULL, p.site_id, :user, p.title FROM posts p WHERE p.site_id = :site AND p.id = $1
-- fail(insert-scope-column): INSERT ... SELECT without a column list, the scope value in the wrong position
INSERT INTO notes SELECT NULL, :user, :site, p.title FROM posts p WHERE p.site_id = :site AND p.id = $1
-- fail(insert-parent-not-proven): FK injection: child with a parent id from the user
INSERT INTO comments (post_id, body) VALUES ($1, $2)
-- pass: child inserted from a scoped parent
INSERT INTO comments (post_id, body) SELECT p.id, $2 FROM posts p WHERE p.id = $1 AND p.site_id = :site
-- fail(insert-parent-not-proven): child inserted from an unproven parent row
INSERT INTO comments (post_id, body) SELECT p.id, $2 FROM posts p WHERE p.id = $1
-- pass: child inserted with a scalar subquery parent on a NOT NULL column
INSERT INTO comments (post_id, body) VALUES ((SELECT id FROM posts WHERE id = $1 AND site_id = :site), $2)
-- pass: parent from the nullable side of an outer join into a NOT NULL column (NULL fails)
INSERT INTO bookmarks (post_id, user_id) SELECT p.id, :user FROM users u LEFT JOIN posts p ON p.site_id = :site AND p.id = $1 WHERE u.id = :user
-- pass: bookmark: parent proven and user from the placeholder
INSERT INTO bookmarks (post_id, user_id) SELECT p.id, :user FROM posts p WHERE p.id = $1 AND p.site_id = :site
-- fail(insert-scope-column): bookmark with the user from a parameter
INSERT INTO bookmarks (post_id, user_id) SELECT p.id, $2 FROM posts p WHERE p.id = $1 AND p.site_id = :site
-- pass: INSERT ... SELECT copying scoped rows
INSERT INTO posts (site_id, title, slug) SELECT p.site_id, p.title, p.slug || '-copy' FROM posts p WHERE p.site_id = :site AND p.id = $1
-- fail(missing-scope-filter): INSERT into a global table from unscoped tenant rows (copy leak)
INSERT INTO tags (name) SELECT title FROM posts
-- pass: INSERT into a global table
INSERT INTO users (name) VALUES ($1)
-- dialects: sqlite
-- fail(unsafe-upsert): INSERT OR REPLACE can delete another tenant's row
INSERT OR REPLACE INTO posts (id, site_id, title, slug) VALUES ($1, :site, $2, $3)
-- dialects: mysql
-- fail(unsafe-upsert): MySQL REPLACE
REPLACE INTO posts (id, site_id, title, slug) VALUES (?, :site, ?, ?)
-- dialects: mysql
-- fail(unsafe-upsert): MySQL ON DUPLICATE KEY UPDATE on a global key
INSERT INTO posts (id, site_id, title, slug) VALUES (?, :site, ?, ?) ON DUPLICATE KEY UPDATE title = VALUES(title)
-- dialects: sqlite postgres
-- pass: ON CONFLICT on a target that includes the scope column
INSERT INTO posts (site_id, slug, title) VALUES (:site, $1, $2) ON CONFLICT (site_id, slug) DO UPDATE SET title = excluded.title
-- dialects: sqlite postgres
-- fail(unsafe-upsert): ON CONFLICT on a global key steals another tenant's row
INSERT INTO posts (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT (id) DO UPDATE SET title = excluded.title
-- dialects: sqlite postgres
-- fail(unsafe-upsert): ON CONFLICT DO UPDATE on a global key, even setting the scope value
INSERT INTO posts (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id
-- dialects: sqlite postgres
-- fail(scope-column-write): ON CONFLICT DO UPDATE moving the row to another tenant
INSERT INTO posts (site_id, slug, title) VALUES (:site, $1, $2) ON CONFLICT (site_id, slug) DO UPDATE SET site_id = 5
-- dialects: sqlite postgres
-- fail(unsafe-upsert): ON CONFLICT DO UPDATE on a global key guarded by the scope skips another tenant's row silently (issue 11)
INSERT INTO posts (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT (id) DO UPDATE SET title = excluded.title WHERE posts.site_id = :site
-- dialects: postgres
-- fail(unsafe-upsert): ON CONFLICT DO UPDATE on a global key with a WHERE comparing excluded and the existing row's scope
INSERT INTO posts AS t (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT (id) DO UPDATE SET title = excluded.title WHERE excluded.site_id = t.site_id
-- dialects: sqlite postgres
-- fail(unsafe-upsert): ON CONFLICT DO UPDATE on a global key with any WHERE
INSERT INTO posts (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT (id) DO UPDATE SET title = excluded.title WHERE posts.title <> excluded.title
-- dialects: sqlite postgres
-- pass: ON CONFLICT DO UPDATE ... WHERE on a target that includes the scope column (a skip only ever hits the tenant's own row)
INSERT INTO posts (site_id, slug, title) VALUES (:site, $1, $2) ON CONFLICT (site_id, slug) DO UPDATE SET title = excluded.title WHERE posts.title <> excluded.title
-- dialects: sqlite postgres
-- fail(unsafe-upsert): ON CONFLICT DO NOTHING with an explicit global key
INSERT INTO posts (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT DO NOTHING
-- dialects: sqlite postgres
-- pass: ON CONFLICT DO NOTHING with a generated key
INSERT INTO posts (site_id, slug, title) VALUES (:site, $1, $2) ON CONFLICT DO NOTHING
-- dialects: sqlite postgres
-- pass: child upsert on a target including the FK column
INSERT INTO bookmarks (post_id, user_id) SELECT p.id, :user FROM posts p WHERE p.id = $1 AND p.site_id = :site ON CONFLICT (post_id, user_id) DO UPDATE SET user_id = excluded.user_id
-- dialects: postgres
-- fail(unsafe-upsert): ON CONFLICT ON CONSTRAINT cannot be checked
INSERT INTO posts (id, site_id, slug, title) VALUES ($1, :site, $2, $3) ON CONFLICT ON CONSTRAINT posts_pkey DO UPDATE SET title = excluded.title
-- dialects: postgres
-- pass: INSERT ... RETURNING
INSERT INTO posts (site_id, title, slug) VALUES (:site, $1, $2) RETURNING id
-- pass: notes with two dimensions
INSERT INTO notes (site_id, author_id, body) VALUES (:site, :user, $1)
-- fail(insert-scope-column): notes missing the user dimension
INSERT INTO notes (site_id, author_id, body) VALUES (:site, $1, $2)
-- unscoped(user)
-- pass: notes with the user dimension exempt
INSERT INTO notes (site_id, author_id, body) VALUES (:site, $1, $2)
-- fail(unsupported-sql): TRUNCATE touches every tenant
TRUNCATE posts
-- fail(unsupported-sql): DDL is not a scoped statement
CREATE TABLE x (id int)
-- pass: transaction control
BEGIN
-- unscoped
-- pass: DDL with the unscoped marker
DROP TABLE posts
-- dialects: postgres mysql
-- fail(missing-scope-filter): SELECT ... FOR UPDATE still needs the filter
SELECT id FROM posts WHERE id = $1 FOR UPDATE
-- fail(cross-tenant-reference): INSERT referencing another tenant's comment through a non-scope FK
INSERT INTO comment_group_members (group_id, comment_id) SELECT g.id, 2 FROM comment_groups g WHERE g.site_id = :site
-- pass: INSERT whose non-scope FK comes from a scoped parent
INSERT INTO comment_group_members (group_id, comment_id) SELECT g.id, c.id FROM comment_groups g, comments c WHERE g.site_id = :site AND c.id = $1 AND c.post_id IN (SELECT id FROM posts WHERE site_id = :site)
-- fail(cross-tenant-reference): UPDATE of a non-scope FK to an unproven row
UPDATE comment_group_members SET comment_id = 2 WHERE group_id IN (SELECT id FROM comment_groups WHERE site_id = :site)
-- pass: UPDATE of a non-scope FK to NULL-or-proven row
UPDATE comment_group_members SET comment_id = (SELECT c.id FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = $1 AND p.site_id = :site) WHERE group_id IN (SELECT id FROM comment_groups WHERE site_id = :site)
-- dialects: sqlite
-- fail(unsafe-upsert): INSERT OR IGNORE skips silently on another tenant's primary key
INSERT OR IGNORE INTO posts (id, site_id, title, slug) VALUES (9, :site, 'x', 'y')
-- dialects: sqlite
-- pass: INSERT OR IGNORE with a generated key and a tenant-scoped unique key
INSERT OR IGNORE INTO posts (site_id, title, slug) VALUES (:site, 'x', 'y')
-- dialects: sqlite postgres
-- fail(unsafe-upsert): ON CONFLICT (id) DO NOTHING on a global key
INSERT INTO posts (id, site_id, title, slug) VALUES (9, :site, 'x', 'y') ON CONFLICT (id) DO NOTHING
-- dialects: sqlite postgres
-- pass: ON CONFLICT on a tenant-scoped key DO NOTHING
INSERT INTO posts (id, site_id, title, slug) VALUES (9, :site, 'x', 'y') ON CONFLICT (site_id, slug) DO NOTHING
-- dialects: mysql
-- fail(unsafe-upsert): MySQL INSERT IGNORE with an explicit global key
INSERT IGNORE INTO posts (id, site_id, title, slug) VALUES (9, :site, 'x', 'y')
-- dialects: mysql
-- fail(cross-tenant-reference): ON DUPLICATE KEY UPDATE points a member at a comment from an argument
INSERT INTO comment_group_members (group_id, comment_id) SELECT g.id, c.id FROM comment_groups g, comments c WHERE g.site_id = :site AND c.post_id IN (SELECT id FROM posts WHERE site_id = :site) ON DUPLICATE KEY UPDATE comment_id = ?
