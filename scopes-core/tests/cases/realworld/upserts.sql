-- Real-world reductions (atuin, langfuse, hatchet): upserts and their silent skips.
-- dialects: postgres
-- pass: DO NOTHING without a target, every unique key of the table includes the scope column (no primary key)
INSERT INTO media (id, org_id, sha) VALUES ($1, :org, $2) ON CONFLICT DO NOTHING
-- dialects: postgres
-- pass: DO NOTHING on a target that includes the scope column
INSERT INTO rate_limits (org_id, key, value, limit_value, last_refill, refill_window)
VALUES (:org, $1, 0, 10, now(), '1 minute') ON CONFLICT (org_id, key) DO NOTHING
-- dialects: postgres
-- pass: DO UPDATE on a target that includes the scope column
INSERT INTO store (id, org_id, host, idx) VALUES ($1, :org, $2, $3)
ON CONFLICT (org_id, host, idx) DO UPDATE SET idx = greatest(store.idx, $3)
-- dialects: postgres
-- fail(unsafe-upsert): DO NOTHING without a target also arbitrates on the global primary key: another tenant's row makes it a silent skip
INSERT INTO store (id, org_id, host, idx) VALUES ($1, :org, $2, $3) ON CONFLICT DO NOTHING
