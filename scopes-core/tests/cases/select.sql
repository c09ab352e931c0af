-- pass: filter on the scope column
SELECT p.id, p.title FROM posts p WHERE p.site_id = :site AND p.published = true
-- pass: placeholder on the left
SELECT id FROM posts WHERE :site = site_id
-- pass: IN with the placeholder
SELECT id FROM posts p WHERE p.site_id IN (:site)
-- pass: parenthesized conjuncts
SELECT id FROM posts p WHERE (p.published = true AND (p.site_id = :site))
-- pass: unqualified column resolved through the schema
SELECT title FROM posts WHERE site_id = :site
-- pass: global table needs no scope
SELECT id, name FROM users
-- pass: sites scoped by its own id
SELECT name FROM sites WHERE id = :site
-- dialects: sqlite postgres
-- pass: quoted and differently cased names
SELECT "P".ID FROM "Posts" "P" WHERE "P"."SITE_ID" = :site
-- dialects: mysql
-- pass: backquoted and differently cased names
SELECT `P`.ID FROM `Posts` `P` WHERE `P`.`SITE_ID` = :site
-- dialects: mysql
-- fail(missing-scope-filter): double quotes are strings in MySQL, not names
SELECT id FROM posts p WHERE "p.site_id" = :site
-- fail(missing-scope-filter): no filter at all
SELECT id, title FROM posts
-- fail(missing-scope-filter): filter under OR
SELECT id FROM posts p WHERE p.site_id = :site OR p.published = true
-- fail(missing-scope-filter): OR precedence without parentheses
SELECT id FROM posts p WHERE p.site_id = :site AND p.published = true OR p.id = 1
-- fail(missing-scope-filter): filter under NOT
SELECT id FROM posts p WHERE NOT (p.site_id <> :site)
-- fail(missing-scope-filter): filter under CASE
SELECT id FROM posts p WHERE CASE WHEN p.site_id = :site THEN true ELSE true END
-- fail(missing-scope-filter): inequality is not a filter
SELECT id FROM posts p WHERE p.site_id >= :site
-- fail(missing-scope-filter): filter in a string literal
SELECT id FROM posts p WHERE p.title = 'p.site_id = :site'
-- fail(missing-scope-filter): filter in a comment
SELECT id FROM posts p /* WHERE p.site_id = :site */
-- fail(missing-scope-filter): filter on a non-scope column
SELECT id FROM posts p WHERE p.author_id = :site
-- fail(missing-scope-filter): literal tenant id instead of the placeholder
SELECT id FROM posts p WHERE p.site_id = 1
-- fail(missing-scope-filter): positional parameter instead of the placeholder
SELECT id FROM posts p WHERE p.site_id = $1
-- fail(missing-scope-filter): tautology
SELECT id FROM posts p WHERE p.site_id = p.site_id
-- fail(missing-scope-filter): IN list with more values
SELECT id FROM posts p WHERE p.site_id IN (:site, 2)
-- fail(unknown-dimension): placeholder of an undeclared dimension
SELECT id FROM posts p WHERE p.site_id = :tenant
-- fail(missing-scope-filter): wrong dimension's placeholder
SELECT id FROM posts p WHERE p.site_id = :user
-- fail(missing-scope-filter): existence oracle
SELECT EXISTS (SELECT 1 FROM posts)
-- fail(missing-scope-filter): count over every tenant
SELECT count(*) FROM posts
-- fail(missing-scope-filter): EXPLAIN of an unscoped read
EXPLAIN SELECT * FROM posts
-- pass: EXPLAIN of a scoped read
EXPLAIN SELECT * FROM posts WHERE site_id = :site
-- pass: aggregate with GROUP BY and HAVING
SELECT p.author_id, count(*) FROM posts p WHERE p.site_id = :site GROUP BY p.author_id HAVING count(*) > 1
-- pass: HAVING on the grouping scope column
SELECT site_id, count(*) FROM posts GROUP BY site_id HAVING site_id = :site
-- fail(missing-scope-filter): HAVING on an aggregate is not a row filter
SELECT author_id, count(*) FROM posts GROUP BY author_id HAVING max(site_id) = :site
-- pass: window function, ORDER BY, LIMIT after the filter
SELECT id, row_number() OVER (ORDER BY id) FROM posts WHERE site_id = :site ORDER BY id LIMIT 10 OFFSET 5
-- pass: DISTINCT keeps the tenant filter
SELECT DISTINCT title FROM posts WHERE site_id = :site
-- pass: two dimensions both filtered
SELECT body FROM notes n WHERE n.site_id = :site AND n.author_id = :user
-- fail(missing-scope-filter): two dimensions, one missing
SELECT body FROM notes n WHERE n.site_id = :site
-- unscoped(user)
-- pass: the unscoped(user) marker exempts one dimension
SELECT body FROM notes n WHERE n.site_id = :site
-- unscoped
-- pass: the unscoped marker exempts everything
SELECT * FROM posts
-- fail(syntax-error): unparseable SQL is rejected
SELEC * FROM posts
-- pass: several statements, each scoped
SELECT id FROM posts WHERE site_id = :site; SELECT id FROM users
-- fail(missing-scope-filter): several statements, one unscoped
SELECT id FROM posts WHERE site_id = :site; SELECT id FROM posts
-- fail(unknown-table): a table the schema does not know
SELECT * FROM secret_things
-- dialects: postgres
-- pass: schema-qualified names
SELECT p.id FROM public.posts p WHERE p.site_id = :site
-- dialects: sqlite
-- pass: schema-qualified names
SELECT p.id FROM main.posts p WHERE p.site_id = :site
-- pass: select without FROM
SELECT 1
-- pass: placeholder in the select list alone
SELECT :site
-- dialects: postgres
-- pass: catalog tables are global
SELECT relname FROM pg_catalog.pg_class
-- fail(missing-scope-filter): a scalar subquery in the select list
SELECT (SELECT count(*) FROM posts) AS n FROM users
-- fail(missing-scope-filter): subquery in ORDER BY
SELECT id FROM users ORDER BY (SELECT max(id) FROM posts)
-- fail(missing-scope-filter): subquery in LIMIT
SELECT id FROM users LIMIT (SELECT count(*) FROM posts)
-- fail(missing-scope-filter): IS NOT DISTINCT FROM is not accepted as equality
SELECT id FROM posts WHERE site_id IS NOT DISTINCT FROM :site
-- pass: an OR whose every branch carries the same scope filter (issue 11)
SELECT id FROM posts p WHERE (p.site_id = :site AND p.published) OR (:site = p.site_id AND p.author_id = $1)
-- pass: three OR branches, the filter among other conjuncts, nested parentheses
SELECT id FROM posts p WHERE ((p.title = $1 AND p.site_id = :site) OR (p.site_id = :site AND p.slug = $2)) OR (p.site_id = :site)
-- fail(missing-scope-filter): one OR branch lacks the scope filter
SELECT id FROM posts p WHERE (p.site_id = :site AND p.published) OR (p.author_id = $1)
-- fail(missing-scope-filter): the OR branches filter different occurrences
SELECT p.id FROM posts p JOIN posts q ON q.id = p.id WHERE (p.site_id = :site AND q.published) OR (q.site_id = :site AND p.published)
-- fail(missing-scope-filter): the filter only under a nested OR of one branch
SELECT id FROM posts p WHERE ((p.site_id = :site OR p.published) AND p.id = $1) OR (p.site_id = :site)
-- fail(missing-scope-filter): NOT over an OR of scope filters
SELECT id FROM posts p WHERE NOT ((p.site_id = :site AND p.published) OR (p.site_id = :site AND p.id = $1))
-- pass: an OR of the joined table's scope filters in the ON of its LEFT JOIN
SELECT p.id, q.title FROM posts p LEFT JOIN posts q ON (q.site_id = :site AND q.id = $1) OR (q.site_id = :site AND q.id = $2) WHERE p.site_id = :site
-- fail(missing-scope-filter): an OR of the preserved side's scope filters in the ON of a LEFT JOIN does not restrict it
SELECT p.id, q.title FROM posts p LEFT JOIN posts q ON (p.site_id = :site AND q.id = p.id) OR (p.site_id = :site AND q.id = $1) WHERE q.site_id = :site OR q.id IS NULL
-- pass: a row-value IN whose every row carries the placeholder at the scope column's position
SELECT p.title FROM posts p WHERE (p.site_id, p.id) IN ((:site, 1), (:site, 2))
-- pass: a row-value equality
SELECT p.title FROM posts p WHERE (p.id, p.site_id) = (1, :site)
-- fail(missing-scope-filter): one row of the row-value IN carries a literal tenant
SELECT p.title FROM posts p WHERE (p.site_id, p.id) IN ((:site, 1), (2, 2))
