-- Views of the example schema: one listed in scopes.toml [tables] (scoped like a table), one
-- not listed (reading it is rejected: it reads every tenant's posts).
CREATE VIEW published_posts AS SELECT id, site_id, title FROM posts WHERE published;
CREATE VIEW post_stats AS SELECT site_id, count(*) AS n FROM posts GROUP BY site_id;
