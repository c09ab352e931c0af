-- The example blog schema (migrations/20240101000000_blog.sql) translated for PostgreSQL,
-- for the differential test of the postgres dialect. Ids are BIGSERIAL so inserts without an id work.

CREATE TABLE sites (
    id     BIGSERIAL PRIMARY KEY,
    name   TEXT NOT NULL,
    domain TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id   BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE posts (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT REFERENCES users (id),
    title     TEXT NOT NULL,
    slug      TEXT NOT NULL,
    body      TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (site_id, slug)
);

CREATE TABLE comments (
    id        BIGSERIAL PRIMARY KEY,
    post_id   BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id),
    body      TEXT NOT NULL
);

CREATE TABLE tags (
    id   BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

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

CREATE TABLE comment_groups (
    id      BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name    TEXT NOT NULL
);

CREATE TABLE comment_group_members (
    group_id   BIGINT NOT NULL REFERENCES comment_groups (id) ON DELETE CASCADE,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, comment_id)
);

CREATE TABLE notes (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL
);

CREATE INDEX posts_site_idx ON posts (site_id);
CREATE INDEX comments_post_idx ON comments (post_id);
