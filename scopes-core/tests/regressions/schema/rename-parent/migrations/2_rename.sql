ALTER TABLE users RENAME TO members;
ALTER TABLE members RENAME COLUMN id TO member_id;
ALTER TABLE notifications RENAME COLUMN user_id TO member_id;
ALTER TABLE notifications RENAME CONSTRAINT notifications_user_id_fkey TO notifications_member;
