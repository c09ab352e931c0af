ALTER TABLE "posts" SET (autovacuum_vacuum_scale_factor = 0.01);
COMMENT ON TABLE "posts" IS 'articles';
CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.editor_id := NULL;
  RETURN NEW;
END $$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON "posts" FOR EACH ROW EXECUTE FUNCTION touch();
DO $$ BEGIN
  EXECUTE 'GRANT SELECT ON posts TO ' || quote_ident(current_setting('app.reader'));
END $$;
ALTER TABLE "posts" ALTER COLUMN "author_id" SET STATISTICS 200;
