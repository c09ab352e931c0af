DROP INDEX IF EXISTS users_handle_unique;
