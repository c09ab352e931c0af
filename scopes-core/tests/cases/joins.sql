-- pass: inner join, both filtered
SELECT p.title, c.body FROM posts p JOIN comments c ON c.post_id = p.id WHERE p.site_id = :site
-- pass: FK link in WHERE with a comma join
SELECT c.body FROM comments c, posts p WHERE c.post_id = p.id AND p.site_id = :site
-- pass: filter in the ON of an inner join
SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id AND p.site_id = :site
-- pass: left join, child linked to a proven parent
SELECT p.title, c.body FROM posts p LEFT JOIN comments c ON c.post_id = p.id WHERE p.site_id = :site
-- fail(missing-scope-filter): filter only in the ON of a LEFT JOIN does not restrict the preserved side
SELECT p.title FROM posts p LEFT JOIN sites s ON s.id = p.site_id AND p.site_id = :site
-- pass: filter in the ON of a LEFT JOIN restricts the nullable side
SELECT u.name, n.body FROM users u LEFT JOIN notes n ON n.author_id = u.id AND n.site_id = :site AND n.author_id = :user
-- fail(missing-scope-link): preserved child of a LEFT JOIN to a filtered parent
SELECT c.body FROM comments c LEFT JOIN posts p ON c.post_id = p.id AND p.site_id = :site
-- fail(missing-scope-filter): right join preserves the right side
SELECT p.title FROM sites s RIGHT JOIN posts p ON p.site_id = s.id AND s.id = :site
-- pass: right join, filter in WHERE on the preserved side
SELECT p.title FROM comments c RIGHT JOIN posts p ON c.post_id = p.id WHERE p.site_id = :site
-- dialects: sqlite postgres
-- fail(missing-scope-filter): full outer join preserves both sides
SELECT p.title FROM posts p FULL JOIN posts q ON q.id = p.id AND p.site_id = :site AND q.site_id = :site
-- fail(missing-scope-filter): cross join with an unscoped side
SELECT p.title, q.title FROM posts p CROSS JOIN posts q WHERE p.site_id = :site
-- pass: self-join, both aliases filtered by a chain
SELECT p.title, q.title FROM posts p JOIN posts q ON q.site_id = p.site_id WHERE p.site_id = :site
-- fail(missing-scope-filter): self-join, the filter is on the other alias
SELECT q.title FROM posts p, posts q WHERE p.site_id = :site
-- fail(missing-scope-filter): join from an unscoped table to a scoped one (django-scopes leak)
SELECT s.name FROM sites s JOIN posts p ON p.site_id = s.id WHERE p.title = 'p2'
-- fail(missing-scope-filter): aggregate over a join from an unscoped table
SELECT u.id, count(p.id) FROM users u LEFT JOIN posts p ON p.author_id = u.id GROUP BY u.id
-- pass: join from the tenant row itself
SELECT s.name, p.title FROM sites s JOIN posts p ON p.site_id = s.id WHERE s.id = :site
-- pass: JOIN USING the scope column
SELECT n.body FROM notes n JOIN posts p USING (site_id) WHERE p.site_id = :site AND n.author_id = :user
-- pass: unqualified USING column
SELECT title FROM notes JOIN posts USING (site_id) WHERE site_id = :site AND notes.author_id = :user
-- pass: multi-hop FK: comment_group_members via comment_groups
SELECT m.comment_id FROM comment_group_members m JOIN comment_groups g ON g.id = m.group_id WHERE g.site_id = :site
-- pass: FK chain two hops without the middle filter
SELECT c.body, t.tag_id FROM post_tags t JOIN posts p ON p.id = t.post_id JOIN comments c ON c.post_id = p.id WHERE p.site_id = :site
-- fail(missing-scope-link): child linked to an unproven parent
SELECT c.body FROM comments c JOIN posts p ON p.id = c.post_id
-- fail(missing-scope-link): child linked through the wrong column
SELECT c.body FROM comments c JOIN posts p ON p.id = c.author_id WHERE p.site_id = :site
-- fail(missing-scope-link): child linked to the parent's non-key column
SELECT c.body FROM comments c JOIN posts p ON p.author_id = c.post_id WHERE p.site_id = :site
-- pass: bookmarks need site (via posts) and user
SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id WHERE p.site_id = :site AND b.user_id = :user
-- fail(missing-scope-filter): bookmarks without the user dimension
SELECT b.id FROM bookmarks b JOIN posts p ON p.id = b.post_id WHERE p.site_id = :site
-- fail(missing-scope-link): bookmarks without the site dimension
SELECT b.id FROM bookmarks b WHERE b.user_id = :user
-- pass: nested join in parentheses
SELECT c.body FROM posts p JOIN (comments c JOIN users u ON u.id = c.author_id) ON c.post_id = p.id WHERE p.site_id = :site
-- pass: NATURAL join on known columns
SELECT body FROM posts NATURAL JOIN sites WHERE sites.id = :site AND posts.site_id = :site
-- pass: filter through an equality chain to another table
SELECT n.body FROM notes n JOIN posts p ON p.site_id = n.site_id WHERE p.site_id = :site AND n.author_id = :user
-- fail(missing-scope-filter): chain through a column equal only on the nullable side
SELECT n.body FROM notes n LEFT JOIN posts p ON p.site_id = n.site_id AND p.site_id = :site WHERE n.author_id = :user
-- dialects: postgres
-- pass: LATERAL subquery linked to a proven outer table
SELECT p.title, c.body FROM posts p, LATERAL (SELECT body FROM comments c WHERE c.post_id = p.id ORDER BY c.id LIMIT 1) c WHERE p.site_id = :site
-- dialects: postgres
-- fail(missing-scope-link): LATERAL subquery not linked
SELECT p.title, c.body FROM posts p, LATERAL (SELECT body FROM comments c LIMIT 1) c WHERE p.site_id = :site
-- dialects: sqlite
-- pass: table function is global
SELECT value FROM json_each('[1,2]')
-- pass: a LEFT JOIN on the joined table's primary key, none of its columns used (it neither adds nor removes rows)
SELECT n.body FROM notes n LEFT JOIN posts p ON p.id = n.id WHERE n.site_id = :site AND n.author_id = :user
-- pass: the same for a table scoped through a foreign key
SELECT p.title FROM posts p LEFT JOIN comments c ON c.id = p.id WHERE p.site_id = :site
-- fail(missing-scope-filter): an unused LEFT JOIN with USING is not read as a key
SELECT n.body FROM notes n LEFT JOIN posts p USING (id) WHERE n.site_id = :site AND n.author_id = :user
-- dialects: postgres mysql
-- fail(missing-scope-filter): FOR UPDATE locks the rows of the unused LEFT JOIN's table too
SELECT n.body FROM notes n LEFT JOIN posts p ON p.id = n.id WHERE n.site_id = :site AND n.author_id = :user FOR UPDATE
-- dialects: mysql
-- fail(missing-scope-filter): INSERT ... SELECT locks the rows it reads (InnoDB), the unused LEFT JOIN's too
INSERT INTO tags (name) SELECT n.body FROM notes n LEFT JOIN posts p ON p.id = n.id WHERE n.site_id = :site AND n.author_id = :user
