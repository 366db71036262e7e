"use client";
import { useTranslations } from "next-intl";
import { useBlocks } from "@/hooks/useProfile";
import type { RoomDetail } from "@/protocol/rest";

type Member = { id: string; username: string; display_name?: string | null };

/**
 * Why a 1:1 conversation cannot take a message, said before sending: the viewer's own block is
 * read live from their block list (blocking or unblocking from the member list updates it at
 * once); the other person's block comes with the room (`dm_blocked`).
 */
export function useDirectBlock(room: RoomDetail | null, members: readonly Member[], meId: string | undefined): string | null {
  const blocks = useBlocks();
  const t = useTranslations("room.blocks");
  if (!room || room.visibility !== "direct" || members.length !== 2 || !meId) return null;
  const other = members.find((m) => m.id !== meId);
  if (!other) return null;
  const name = other.display_name || other.username;
  if (blocks.loaded ? blocks.blocked.some((b) => b.id === other.id) : room.dm_blocked === "by_me") return t("youBlocked", { name });
  if (room.dm_blocked === "by_them") return t("theyBlocked", { name });
  return null;
}
