-- dialect: sqlite
-- status: fixed
-- found by: scopes-difftest, seed 420 (site 1, user 1)
-- class: uniqueness oracle, silent. SQLite's INSERT OR IGNORE skips a row that collides with
--   another tenant's primary key (post 9 is site 3's); the tenant's copy inserts it.
INSERT OR IGNORE INTO posts (id, site_id, author_id, title, slug, body, published) VALUES (9, :site, 1, 'v24', 'n31927', 'v40', TRUE);
