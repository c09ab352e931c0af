-- The global key on `handle` may still exist: the silent skip stays rejected.
-- expect: rejected unsafe-upsert
INSERT INTO users (id, org_id, handle) VALUES ($1, :org, $2) ON CONFLICT DO NOTHING;

-- ... and no key of `users` proves a row any more (the loader used to ignore the unknown drop).
-- expect: rejected missing-scope-filter
SELECT u.id FROM users u WHERE u.handle IN (SELECT handle FROM users WHERE org_id = :org);
