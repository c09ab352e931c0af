-- Real-world reduction (hatchet): valid PostgreSQL the parser (sqlparser 0.64) rejects; known
-- upstream as apache/datafusion-sqlparser-rs issue 1987. Parenthesizing the SELECT parses.
-- dialects: postgres
-- pass: INSERT ... SELECT without FROM, then ON CONFLICT
INSERT INTO slot_requests (org_id, step_id, slot_type, units)
SELECT :org, $1::uuid, unnest($2::text[]), unnest($3::integer[])
ON CONFLICT (org_id, step_id, slot_type) DO UPDATE SET units = EXCLUDED.units
-- dialects: postgres
-- pass: the parenthesized form (parses today)
INSERT INTO slot_requests (org_id, step_id, slot_type, units)
(SELECT :org, $1::uuid, unnest($2::text[]), unnest($3::integer[]))
ON CONFLICT (org_id, step_id, slot_type) DO UPDATE SET units = EXCLUDED.units
