-- The example blog schema used by the tests and examples (SQLite).
-- Tenancy: a site is a tenant; users are global; notes and bookmarks also belong to a user.

CREATE TABLE sites (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    domain TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE posts (
    id        INTEGER PRIMARY KEY,
    site_id   INTEGER NOT NULL REFERENCES sites (id),
    author_id INTEGER REFERENCES users (id),
    title     TEXT NOT NULL,
    slug      TEXT NOT NULL,
    body      TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (site_id, slug)
);

CREATE TABLE comments (
    id        INTEGER PRIMARY KEY,
    post_id   INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id),
    body      TEXT NOT NULL
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (post_id, tag_id)
);

CREATE TABLE bookmarks (
    id      INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    UNIQUE (post_id, user_id)
);

CREATE TABLE comment_groups (
    id      INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    name    TEXT NOT NULL
);

CREATE TABLE comment_group_members (
    group_id   INTEGER NOT NULL REFERENCES comment_groups (id) ON DELETE CASCADE,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, comment_id)
);

CREATE TABLE notes (
    id        INTEGER PRIMARY KEY,
    site_id   INTEGER NOT NULL REFERENCES sites (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL
);

CREATE INDEX posts_site_idx ON posts (site_id);
CREATE INDEX comments_post_idx ON comments (post_id);
