"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { directRoomName } from "@/lib/format";
import type { RoomSummary } from "@/protocol/rest";

/** How many rooms the switcher lists above the message results. */
const MAX_ROOMS = 6;

export interface RoomMatch {
  id: string;
  name: string;
  visibility: RoomSummary["visibility"];
  unread: number;
}

/**
 * The quick switcher half of the Ctrl/Cmd+K dialog: the user's rooms whose name contains the
 * text (all of them, unread first, when it is empty). One dialog serves both jobs so there is
 * one shortcut to learn; rooms come first because they answer instantly from the directory.
 */
export function useRoomMatches(text: string): RoomMatch[] {
  const { directory } = useChat();
  const me = useMe();
  const rooms = useQuery(directory.query).data ?? [];
  const needle = text.trim().toLowerCase();
  return rooms
    .map((r) => ({ id: r.id, name: r.visibility === "direct" ? directRoomName(r.name, me?.username) : r.name, visibility: r.visibility, unread: r.unread ?? 0 }))
    .filter((r) => !needle || r.name.toLowerCase().includes(needle))
    .sort((a, b) => (needle ? Number(!a.name.toLowerCase().startsWith(needle)) - Number(!b.name.toLowerCase().startsWith(needle)) : Number(b.unread > 0) - Number(a.unread > 0)))
    .slice(0, MAX_ROOMS);
}

export function RoomMatches({ matches, onPick }: { matches: readonly RoomMatch[]; onPick: (room: RoomMatch) => void }) {
  const t = useTranslations("search.rooms");
  if (matches.length === 0) return null;
  return (
    <section data-testid="switcher-rooms" className="border-b border-slate-100">
      <h3 className="bg-slate-50 px-4 py-1.5 text-xs font-semibold text-slate-600">{t("title")}</h3>
      <ul>
        {matches.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              data-testid="switcher-room"
              data-room-id={r.id}
              onClick={() => onPick(r)}
              className="flex w-full items-center gap-2 px-4 py-2 text-left text-sm text-slate-800 hover:bg-indigo-50 focus:bg-indigo-50 focus:outline-none"
            >
              <span className="w-4 text-center text-xs text-slate-600" aria-hidden>
                {r.visibility === "private" ? "🔒" : r.visibility === "direct" ? "@" : "#"}
              </span>
              <span className="flex-1 truncate">{r.name}</span>
              {r.unread > 0 && <span className="text-xs text-slate-600">{t("unread", { count: r.unread })}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
