-- dialect: sqlite
-- status: fixed
-- found by: scopes-difftest, seed 511 (site 2, user 2)
-- class: uniqueness oracle, silent. Post 10 is site 1's: the full database skips the first row
--   (ON CONFLICT (id) DO NOTHING) and succeeds; the tenant's copy inserts it and then fails on
--   UNIQUE (site_id, slug) ('b' exists in site 2). The outcome depends on another tenant's rows.
INSERT INTO posts (id, site_id, author_id, title, slug, body, published) VALUES (10, :site, 2, 'v17', 'b', 'v9', TRUE), (17, :site, 3, 'v12', 'n64576', 'v39', TRUE) ON CONFLICT (id) DO NOTHING;
