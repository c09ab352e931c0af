-- `users_pkey` is the name PostgreSQL generates, but the loader only guesses it: this unknown
-- name may be the primary key's real one.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_legacy_key;
