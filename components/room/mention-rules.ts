import { mayAttempt } from "@/protocol/roles";
import type { RoomRole } from "@/protocol";

/** Whether the viewer may use `@room` here (the server enforces the same rule: server/chat/mentions.ts). */
export function mayMentionRoom(viewer: { role: RoomRole | null; siteAdmin: boolean }, settings: Record<string, unknown> | undefined): boolean {
  return settings?.room_mentions !== false && mayAttempt({ id: "", role: viewer.role, siteAdmin: viewer.siteAdmin }, "mention_room");
}
