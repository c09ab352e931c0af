-- SQLite's table rebuild: the child's REFERENCES users binds to the new table.
CREATE TABLE users_new (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs (id), name TEXT);
INSERT INTO users_new (id, org_id) SELECT id, org_id FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
