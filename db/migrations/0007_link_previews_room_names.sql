CREATE TABLE "link_previews" (
	"url" text PRIMARY KEY NOT NULL,
	"title" text,
	"description" text,
	"site_name" text,
	"error" text,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "preview" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "preview_removed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Rooms created before names were unique keep their names, except that every duplicate in a
-- scope after the oldest (by created_at, then id) gets " (2)", " (3)", … appended. A suffixed
-- name can itself collide with an existing room (an old "general (2)"), so repeat until none do.
DO $$
BEGIN
  LOOP
    WITH ranked AS (
      SELECT id, row_number() OVER (PARTITION BY lower(name) ORDER BY created_at, id) AS n
      FROM rooms WHERE visibility = 'public'
    )
    UPDATE rooms SET name = rooms.name || ' (' || ranked.n || ')' FROM ranked WHERE rooms.id = ranked.id AND ranked.n > 1;
    EXIT WHEN NOT FOUND;
  END LOOP;
  LOOP
    WITH ranked AS (
      SELECT id, row_number() OVER (PARTITION BY created_by, lower(name) ORDER BY created_at, id) AS n
      FROM rooms WHERE visibility = 'private' AND created_by IS NOT NULL
    )
    UPDATE rooms SET name = rooms.name || ' (' || ranked.n || ')' FROM ranked WHERE rooms.id = ranked.id AND ranked.n > 1;
    EXIT WHEN NOT FOUND;
  END LOOP;
END $$;
--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_public_name_idx" ON "rooms" USING btree (lower("name")) WHERE "rooms"."visibility" = 'public';--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_private_name_idx" ON "rooms" USING btree ("created_by",lower("name")) WHERE "rooms"."visibility" = 'private';