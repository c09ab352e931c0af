-- The example blog schema on PostgreSQL, keyed for row-level security: a table that holds its
-- scope in a column references other scoped tables with composite keys that include it
-- (foreign-key checks bypass RLS); post_tags and bookmarks are scoped through posts, and
-- their policy checks the parent. Unique keys include the scope column; every scope column
-- leads an index.
CREATE TABLE sites (id BIGINT PRIMARY KEY, name TEXT NOT NULL, domain TEXT NOT NULL UNIQUE);
CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT REFERENCES users (id),
    title     TEXT NOT NULL,
    slug      TEXT NOT NULL,
    body      TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (site_id, slug),
    UNIQUE (site_id, id)
);
CREATE TABLE comments (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL,
    post_id   BIGINT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    body      TEXT NOT NULL,
    UNIQUE (site_id, id),
    FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id) ON DELETE CASCADE
);
CREATE TABLE tags (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE post_tags (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  BIGINT NOT NULL REFERENCES tags (id),
    PRIMARY KEY (post_id, tag_id)
);
CREATE TABLE bookmarks (
    id      BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    UNIQUE (post_id, user_id)
);
CREATE INDEX bookmarks_user_idx ON bookmarks (user_id);
CREATE TABLE comment_groups (
    id      BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name    TEXT NOT NULL,
    UNIQUE (site_id, id)
);
CREATE TABLE comment_group_members (
    site_id    BIGINT NOT NULL,
    group_id   BIGINT NOT NULL,
    comment_id BIGINT NOT NULL,
    PRIMARY KEY (site_id, group_id, comment_id),
    FOREIGN KEY (site_id, group_id) REFERENCES comment_groups (site_id, id) ON DELETE CASCADE,
    FOREIGN KEY (site_id, comment_id) REFERENCES comments (site_id, id) ON DELETE CASCADE
);
CREATE TABLE notes (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL
);
CREATE INDEX notes_site_idx ON notes (site_id);
CREATE INDEX notes_author_idx ON notes (author_id);
-- One view listed in scopes.toml (scoped like a table): `scopes rls` makes it security_invoker.
CREATE VIEW published_posts AS SELECT id, site_id, title FROM posts WHERE published;
