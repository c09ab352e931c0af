-- sqlx-scopes rls: row-level security generated from scopes.toml by `scopes rls`.
-- Do not edit: change scopes.toml and run `scopes rls` again, which writes a new migration.
--
-- Every scoped table gets RLS enabled and forced (its owner is bound too), a permissive base
-- policy `sqlx_scopes` and one restrictive policy per dimension: a row is visible, and may be
-- written, only when every dimension's policy admits it. They read transaction-local settings
-- (`Scope::begin` sets them with set_config(name, value, true)):
--   sqlx_scopes.<dimension>        one value
--   sqlx_scopes.<dimension>.many   several values, an array literal such as '{1,2}'
--   sqlx_scopes.<dimension>.all    'on': every tenant (only from Scope::all, with a reason)
-- A missing or empty setting admits no row.

-- bookmarks: scoped (site = "post_id -> posts.id", user = "user_id")
ALTER TABLE bookmarks ENABLE ROW LEVEL SECURITY;
ALTER TABLE bookmarks FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON bookmarks AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON bookmarks AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (EXISTS (SELECT 1 FROM posts sqlx_scopes_p1 WHERE sqlx_scopes_p1.id = bookmarks.post_id
        AND (sqlx_scopes_p1.site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR sqlx_scopes_p1.site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))))
    WITH CHECK (EXISTS (SELECT 1 FROM posts sqlx_scopes_p1 WHERE sqlx_scopes_p1.id = bookmarks.post_id
        AND (sqlx_scopes_p1.site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR sqlx_scopes_p1.site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))));
CREATE POLICY sqlx_scopes_user ON bookmarks AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (user_id = (SELECT NULLIF(current_setting('sqlx_scopes.user', true), '')::bigint)
        OR user_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.user.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.user.all', true) = 'on'))
    WITH CHECK (user_id = (SELECT NULLIF(current_setting('sqlx_scopes.user', true), '')::bigint)
        OR user_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.user.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.user.all', true) = 'on'));

-- comment_group_members: scoped (site = "site_id")
ALTER TABLE comment_group_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE comment_group_members FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON comment_group_members AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON comment_group_members AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
    WITH CHECK (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));

-- comment_groups: scoped (site = "site_id")
ALTER TABLE comment_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE comment_groups FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON comment_groups AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON comment_groups AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
    WITH CHECK (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));

-- comments: scoped (site = "site_id")
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON comments AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON comments AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
    WITH CHECK (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));

-- notes: scoped (site = "site_id", user = "author_id")
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON notes AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON notes AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
    WITH CHECK (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));
CREATE POLICY sqlx_scopes_user ON notes AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (author_id = (SELECT NULLIF(current_setting('sqlx_scopes.user', true), '')::bigint)
        OR author_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.user.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.user.all', true) = 'on'))
    WITH CHECK (author_id = (SELECT NULLIF(current_setting('sqlx_scopes.user', true), '')::bigint)
        OR author_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.user.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.user.all', true) = 'on'));

-- post_tags: scoped (site = "post_id -> posts.id")
ALTER TABLE post_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE post_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON post_tags AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON post_tags AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (EXISTS (SELECT 1 FROM posts sqlx_scopes_p1 WHERE sqlx_scopes_p1.id = post_tags.post_id
        AND (sqlx_scopes_p1.site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR sqlx_scopes_p1.site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))))
    WITH CHECK (EXISTS (SELECT 1 FROM posts sqlx_scopes_p1 WHERE sqlx_scopes_p1.id = post_tags.post_id
        AND (sqlx_scopes_p1.site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR sqlx_scopes_p1.site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))));

-- posts: scoped (site = "site_id")
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE posts FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON posts AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON posts AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
    WITH CHECK (site_id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR site_id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));

-- published_posts: a view: its tables' policies apply to the caller (site = "site_id")
ALTER VIEW published_posts SET (security_invoker = true);

-- sites: scoped (site = "id")
ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
ALTER TABLE sites FORCE ROW LEVEL SECURITY;
CREATE POLICY sqlx_scopes ON sites AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true)
    WITH CHECK (true);
CREATE POLICY sqlx_scopes_site ON sites AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'))
    WITH CHECK (id = (SELECT NULLIF(current_setting('sqlx_scopes.site', true), '')::bigint)
        OR id = ANY ((SELECT NULLIF(current_setting('sqlx_scopes.site.many', true), ''))::bigint[])
        OR (SELECT current_setting('sqlx_scopes.site.all', true) = 'on'));

-- What the database has after this migration (read by `scopes rls`; do not edit).
-- sqlx-scopes state: policy bookmarks sqlx_scopes 58f33514e2096a7b
-- sqlx-scopes state: policy bookmarks sqlx_scopes_site 1aeeed2e96a72414
-- sqlx-scopes state: policy bookmarks sqlx_scopes_user 359aa6b37a681554
-- sqlx-scopes state: policy comment_group_members sqlx_scopes de816a84c96520f7
-- sqlx-scopes state: policy comment_group_members sqlx_scopes_site b98f1be96af2bdb4
-- sqlx-scopes state: policy comment_groups sqlx_scopes 04d5efca1f653614
-- sqlx-scopes state: policy comment_groups sqlx_scopes_site 37e038240ac94e55
-- sqlx-scopes state: policy comments sqlx_scopes 9fd319c0fb0f7c68
-- sqlx-scopes state: policy comments sqlx_scopes_site f9966a20ee095249
-- sqlx-scopes state: policy notes sqlx_scopes d12df13f1c557757
-- sqlx-scopes state: policy notes sqlx_scopes_site 3e5f31d951300604
-- sqlx-scopes state: policy notes sqlx_scopes_user 939ad6d8850fd2a0
-- sqlx-scopes state: policy post_tags sqlx_scopes ec61c8fe3413adb0
-- sqlx-scopes state: policy post_tags sqlx_scopes_site 319a5320eb58ebb5
-- sqlx-scopes state: policy posts sqlx_scopes dd6921f52d28ab61
-- sqlx-scopes state: policy posts sqlx_scopes_site f847951ed68a06d6
-- sqlx-scopes state: policy sites sqlx_scopes 003c73253ea887d6
-- sqlx-scopes state: policy sites sqlx_scopes_site 3f96cfb716f3b113
-- sqlx-scopes state: table bookmarks ec44bdbdd438f419
-- sqlx-scopes state: table comment_group_members 8e87bd99b1c32b01
-- sqlx-scopes state: table comment_groups c90907c73947a12f
-- sqlx-scopes state: table comments 6eaa5b8bd82e726f
-- sqlx-scopes state: table notes e9b5700a6b106679
-- sqlx-scopes state: table post_tags def4f583c8a6f9d7
-- sqlx-scopes state: table posts 86016f74f492205d
-- sqlx-scopes state: table sites 6652e06911bc0b03
-- sqlx-scopes state: view published_posts 2c0e482c73bfe5fa
