-- A snapshot in the form `scopes schema` writes (see scopes-cli/tests).
CREATE TABLE orgs (
    id bigint NOT NULL,
    CONSTRAINT orgs_pkey PRIMARY KEY (id)
);
CREATE TABLE users (
    id bigint NOT NULL,
    org_id bigint NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE TABLE notes (
    id bigint NOT NULL,
    org_id bigint NOT NULL,
    user_id bigint,
    CONSTRAINT notes_pkey PRIMARY KEY (id)
);
ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id);
ALTER TABLE notes ADD CONSTRAINT notes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
