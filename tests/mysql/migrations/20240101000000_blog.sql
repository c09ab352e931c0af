-- The example blog schema on MariaDB/MySQL (BIGINT keys: the dimensions are declared i64).
CREATE TABLE sites (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, domain VARCHAR(255) NOT NULL UNIQUE);
CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL);
CREATE TABLE posts (
    id        BIGINT AUTO_INCREMENT PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT REFERENCES users (id),
    title     VARCHAR(255) NOT NULL,
    slug      VARCHAR(255) NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (site_id, slug)
);
CREATE TABLE comments (
    id        BIGINT AUTO_INCREMENT PRIMARY KEY,
    post_id   BIGINT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    body      TEXT NOT NULL,
    FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);
CREATE TABLE bookmarks (
    id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    UNIQUE (post_id, user_id),
    FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);
CREATE TABLE notes (
    id        BIGINT AUTO_INCREMENT PRIMARY KEY,
    site_id   BIGINT NOT NULL REFERENCES sites (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body      TEXT NOT NULL
);
