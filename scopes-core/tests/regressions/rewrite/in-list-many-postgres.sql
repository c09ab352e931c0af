-- dialect: postgres
-- status: fixed
-- found by: scopes-difftest (223 of 1,500 seeded statements on PostgreSQL)
-- why: the several-values variant rewrites `p.site_id IN (:site)` to `p.site_id = ANY($1))`, one
--   `)` too many (the IN list's closing parenthesis is kept), so `rewrite` fails with Reparse.
SELECT p.id FROM posts p WHERE p.site_id IN (:site)
