-- dialect: sqlite
-- status: fixed
-- found by: scopes-difftest, seed 5404 (site 2, user 2)
-- class: uniqueness oracle, silent. ON CONFLICT (id) DO NOTHING: the conflict target is the
--   global primary key, without the scope column (DESIGN says such upserts are rejected; DO UPDATE
--   with this target is rejected, DO NOTHING is accepted). Post 9 belongs to site 3: skipped on
--   the full database, inserted on the tenant's copy.
INSERT INTO posts (id, site_id, author_id, title, slug, body, published) VALUES (9, :site, 3, 'v11', 'n50769', 'v68', TRUE) ON CONFLICT (id) DO NOTHING;
