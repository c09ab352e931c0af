-- The example blog schema on PostgreSQL (BIGINT keys: the dimensions are declared i64).
CREATE TABLE sites (id BIGINT PRIMARY KEY, name TEXT NOT NULL, domain TEXT NOT NULL UNIQUE);
CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT REFERENCES users (id),
    title     TEXT NOT NULL,
    slug      TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (site_id, slug)
);
CREATE TABLE comments (
    id        BIGSERIAL PRIMARY KEY,
    post_id   BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id),
    body      TEXT NOT NULL
);
CREATE TABLE bookmarks (
    id      BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    UNIQUE (post_id, user_id)
);
CREATE TABLE notes (
    id        BIGSERIAL PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL
);
