CREATE EXTENSION IF NOT EXISTS "pgcrypto";
DO $$ BEGIN
 CREATE TYPE "public"."role" AS ENUM('admin', 'member');
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
CREATE TABLE IF NOT EXISTS "orgs" ("id" bigint PRIMARY KEY NOT NULL);
CREATE TABLE IF NOT EXISTS "users" (
	"id" bigint NOT NULL,
	"org_id" bigint NOT NULL,
	"role" "role" DEFAULT 'member' NOT NULL,
	CONSTRAINT "users_pk" PRIMARY KEY ("id"),
	CONSTRAINT "users_org_id_id" UNIQUE ("org_id", "id")
);
CREATE TABLE IF NOT EXISTS "posts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"org_id" bigint NOT NULL,
	"author_id" bigint NOT NULL,
	"editor_id" bigint
);
DO $$ BEGIN
 ALTER TABLE "users" ADD CONSTRAINT "users_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
DO $$ BEGIN
 ALTER TABLE "posts" ADD CONSTRAINT "posts_editor_id_users_id_fk" FOREIGN KEY ("editor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_org_idx" ON "posts" USING btree ("org_id") WHERE "editor_id" IS NOT NULL;
