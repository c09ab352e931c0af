-- A name no earlier migration creates: it may be any key of the table, or none.
ALTER TABLE notifications DROP CONSTRAINT IF EXISTS some_unique_name;
