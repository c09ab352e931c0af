-- The example blog keyed for scale-out. Differences from the single-server blog:
-- * every tenant table holds site_id, and its primary and unique keys include it (a sharded
--   database can only enforce a key within one shard);
-- * a child row references its parent with a composite foreign key (site_id, post_id), which
--   keeps both on the shard of their site;
-- * a site's domain is not globally unique (that would need a lookup across every shard).
-- users and tags are global: reference tables on Citus, local tables on the coordinator here.

CREATE TABLE sites (
    id     BIGINT PRIMARY KEY,
    name   TEXT NOT NULL,
    domain TEXT NOT NULL
);

CREATE TABLE users (
    id   BIGINT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE tags (
    id   BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE posts (
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    id        BIGSERIAL,
    author_id BIGINT REFERENCES users (id),
    title     TEXT NOT NULL,
    slug      TEXT NOT NULL,
    body      TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, slug)
);

CREATE TABLE comments (
    site_id   BIGINT NOT NULL,
    id        BIGINT NOT NULL,
    post_id   BIGINT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    body      TEXT NOT NULL,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id) ON DELETE CASCADE
);

CREATE TABLE bookmarks (
    site_id BIGINT NOT NULL,
    id      BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, post_id, user_id),
    FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id) ON DELETE CASCADE
);

CREATE TABLE notes (
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    id        BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL,
    PRIMARY KEY (site_id, id)
);
