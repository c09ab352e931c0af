-- dialect: sqlite
-- status: fixed
-- found by: scopes-difftest, seed 12703 (site 2, user 2)
-- class: uniqueness oracle, silent. Post 9 belongs to site 3: the full database skips the row,
--   the tenant's copy inserts it, so the tenant learns that id 9 exists elsewhere. No row outside
--   the tenant changes. DESIGN: "an upsert whose conflict target lacks the scope column is
--   rejected"; here there is no conflict target at all (every unique key, including the global
--   primary key). The differential test counts this class as "silent skips" (like the unique
--   violation a plain INSERT with an explicit id gets); decide: reject, or document as accepted.
INSERT INTO posts (id, site_id, author_id, title, slug, body, published) VALUES (9, :site, 2, 'v38', 'n13735', 'v47', TRUE) ON CONFLICT DO NOTHING;
