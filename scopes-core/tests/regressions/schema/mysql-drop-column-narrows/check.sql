-- why: the loader used to forget the key, and accept a silent skip on another tenant's email.
-- expect: rejected unsafe-upsert
INSERT IGNORE INTO users (org_id, email) VALUES (:org, ?);
