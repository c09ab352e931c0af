CREATE TABLE posts (id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, title TEXT NOT NULL);
CREATE FUNCTION slugify(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(lower(t), '[^a-z0-9]+', '-', 'g')
$$;
CREATE FUNCTION post_count(o BIGINT) RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM posts WHERE org_id = o
$$;
