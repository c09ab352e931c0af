-- why: partitions used to get the parent's columns but none of its keys.
-- expect: rejected cross-tenant-reference
INSERT INTO events_1 (id, org_id, user_id) VALUES ($1, :org, $2);
