-- Known parser limitation: when an upgrade of sqlparser accepts this, drop the note in the docs.
-- expect: rejected syntax-error
SELECT a.id FROM accounts a LEFT JOIN settings set ON set.account_id = a.id AND set.org_id = :org WHERE a.org_id = :org;

-- The workarounds: quote the alias, or write AS.
-- expect: accepted
SELECT a.id, "set".v FROM accounts a LEFT JOIN settings "set" ON "set".account_id = a.id AND "set".org_id = :org WHERE a.org_id = :org;

-- expect: accepted
SELECT a.id, set.v FROM accounts a LEFT JOIN settings AS set ON set.account_id = a.id AND set.org_id = :org WHERE a.org_id = :org;
