import { z } from "zod";
import { deleteStalePreviews } from "@/db/queries/link-previews";
import { createPreviewRunner, LINK_PREVIEW_JOB, type PreviewDeps } from "@/server/chat/link-previews";
import type { JobType } from "./types";

/**
 * Fetches and attaches one message's link preview (server/chat/link-previews.ts). Idempotent:
 * a retry reuses the cached fetch and attaches the same preview.
 */
export function linkPreviewJob(deps: PreviewDeps): JobType<{ messageId: string; url: string }> {
  const run = createPreviewRunner(deps);
  return {
    name: LINK_PREVIEW_JOB,
    data: z.object({ messageId: z.string().uuid(), url: z.string().url().max(2048) }).strict(),
    run,
  };
}

/** Drops cached previews past their TTL, so the cache holds only what may still be reused. */
export function linkPreviewsExpireJob(deps: Pick<PreviewDeps, "db" | "config">): JobType<Record<string, never>> {
  return {
    name: "link-previews-expire",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      await deleteStalePreviews(deps.db, { before: new Date(Date.now() - deps.config.LINK_PREVIEW_CACHE_TTL_MS) });
    },
  };
}
