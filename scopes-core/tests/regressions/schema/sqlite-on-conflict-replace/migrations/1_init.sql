-- INSERT INTO users (org_id, email) VALUES (2, 'x') deletes org 1's user 'x' (checked with sqlite3).
CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, email TEXT UNIQUE ON CONFLICT REPLACE);
