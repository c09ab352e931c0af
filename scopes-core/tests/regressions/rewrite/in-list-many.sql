-- dialect: sqlite
-- status: fixed
-- found by: scopes-difftest (558 of 4,000 seeded statements: every accepted statement with
--   `col IN (:site)`) and the rewrite fuzz target
-- why: the several-values variant rewrites `p.site_id IN (:site)` to (postgres: `= ANY($1))`)
--   `p.site_id IN (SELECT value FROM json_each(?1)))`, one `)` too many, so `rewrite` fails with
--   Reparse and the statement cannot be used through the macros (fails closed, no leak).
SELECT p.id FROM posts p WHERE p.site_id IN (:site)
