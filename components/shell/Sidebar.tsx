"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useStore } from "zustand";
import { Avatar } from "@/components/ui/Avatar";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { usePresenceMap, useShownStatus } from "@/hooks/usePresence";
import { useProfile } from "@/hooks/useProfile";
import { useMyRooms, usePublicRooms } from "@/hooks/useRooms";
import { selectRoom } from "@/lib/chat-store";
import { directRoomName } from "@/lib/format";
import type { RoomSummary } from "@/protocol/rest";
import { SearchButton } from "@/components/search/SearchDialog";
import { ConnectionStatus } from "./ConnectionStatus";
import { CreateRoomForm } from "./CreateRoomForm";
import { MentionBadge } from "./MentionBadge";
import { SignOutButton } from "./SignOutButton";
import { StatusPicker } from "./StatusPicker";

function activeRoomId(pathname: string | null): string | null {
  const match = /^\/rooms\/([^/]+)/.exec(pathname ?? "");
  return match ? decodeURIComponent(match[1]!) : null;
}

const roomIcon = (room: RoomSummary) => (room.visibility === "private" ? "🔒" : room.visibility === "direct" ? "@" : "#");

export function Sidebar({ username }: { username: string }) {
  const t = useTranslations("shell.sidebar");
  const pathname = usePathname();
  const active = activeRoomId(pathname);
  const mine = useMyRooms();
  const [creating, setCreating] = useState(false);
  const [query, setQuery] = useState("");
  const publicRooms = usePublicRooms(query, mine.rooms.length);
  const profile = useProfile();
  const groups = mine.rooms.filter((r) => r.visibility !== "direct");
  const directs = mine.rooms.filter((r) => r.visibility === "direct");

  return (
    <nav className="flex h-full w-full flex-col border-r border-slate-200 bg-slate-100/80 md:w-72" aria-label={t("label")}>
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <Link href="/" className="text-lg font-bold tracking-tight text-indigo-700">
          Confab
        </Link>
        <ConnectionStatus />
      </div>

      <div className="flex-1 space-y-5 overflow-y-auto px-3 py-4">
        <SearchButton />
        <section>
          {creating ? (
            <CreateRoomForm
              onDone={() => {
                setCreating(false);
                // Focus goes back to where the form was opened, not to the top of the page.
                requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="create-room-open"]')?.focus());
              }}
            />
          ) : (
            <button
              type="button"
              data-testid="create-room-open"
              onClick={() => setCreating(true)}
              className="w-full rounded-md border border-dashed border-slate-300 px-3 py-2 text-left text-sm font-medium text-slate-600 hover:border-indigo-400 hover:bg-white hover:text-indigo-700"
            >
              {t("createRoom")}
            </button>
          )}
        </section>

        <Section id="my-rooms" title={t("myRooms")}>
          {mine.error && <p className="px-2 text-xs text-rose-700">{mine.error}</p>}
          {mine.loaded && groups.length === 0 && !mine.error && <p className="px-2 text-xs text-slate-600">{t("noRooms")}</p>}
          <ul className="space-y-0.5" data-testid="my-rooms">
            {groups.map((room) => {
              const isActive = room.id === active;
              const unread = isActive ? 0 : (room.unread ?? 0);
              return (
                <li key={room.id}>
                  <Link
                    href={`/rooms/${room.id}`}
                    data-testid="room-link"
                    data-room-id={room.id}
                    aria-current={isActive ? "page" : undefined}
                    className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${
                      isActive ? "bg-indigo-600 text-white" : unread > 0 ? "font-semibold text-slate-900 hover:bg-slate-200" : "text-slate-700 hover:bg-slate-200"
                    }`}
                  >
                    <span className={`w-4 text-center text-xs ${isActive ? "text-white" : "text-slate-600"}`} aria-hidden>
                      {roomIcon(room)}
                    </span>
                    <span className="flex-1 truncate">{room.name}</span>
                    <MentionBadge count={isActive ? 0 : (room.mentions ?? 0)} />
                    {unread > 0 && (
                      <span data-testid="unread-count" className="rounded-full bg-indigo-600 px-1.5 py-0.5 text-[10px] font-bold leading-none text-white">
                        {unread > 99 ? "99+" : unread}
                      </span>
                    )}
                  </Link>
                </li>
              );
            })}
          </ul>
        </Section>

        {directs.length > 0 && (
          <Section id="direct-messages" title={t("directMessages")}>
            <ul className="space-y-0.5" data-testid="direct-rooms">
              {directs.map((room) => (
                <DirectLink key={room.id} room={room} active={room.id === active} username={username} />
              ))}
            </ul>
          </Section>
        )}

        <Section id="browse-public" title={t("browsePublic")}>
          <input
            type="search"
            data-testid="public-room-search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t("searchPublic")}
            aria-label={t("searchPublic")}
            className="mb-1.5 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
          />
          {publicRooms.error && <p className="px-2 text-xs text-rose-700">{publicRooms.error}</p>}
          {!publicRooms.loading && publicRooms.rooms.length === 0 && !publicRooms.error && (
            <p className="px-2 text-xs text-slate-600">{query.trim() ? t("noPublicMatch") : t("noPublicRooms")}</p>
          )}
          <ul className="space-y-0.5" aria-busy={publicRooms.loading}>
            {/* Rooms to discover first; the ones already joined are marked and listed last. */}
            {[...publicRooms.rooms.filter((r) => !r.joined), ...publicRooms.rooms.filter((r) => r.joined)].map((room) => (
              <li key={room.id}>
                <Link
                  href={`/rooms/${room.id}`}
                  data-testid="public-room-link"
                  data-room-id={room.id}
                  className={`block rounded-md px-2 py-1.5 text-sm hover:bg-slate-200 ${room.id === active ? "bg-slate-200" : ""}`}
                >
                  <span className="flex items-center gap-2">
                    <span className="flex-1 truncate text-slate-800">{room.name}</span>
                    {room.joined ? (
                      <span className="text-[10px] font-medium uppercase text-emerald-800">{t("joined")}</span>
                    ) : (
                      <span className="text-[10px] text-slate-600">{t("members", { count: room.member_count ?? 0 })}</span>
                    )}
                  </span>
                  {room.topic && <span className="block truncate text-xs text-slate-600">{room.topic}</span>}
                </Link>
              </li>
            ))}
          </ul>
        </Section>
      </div>

      <div className="space-y-2 border-t border-slate-200 px-4 py-3 text-sm">
        <div className="flex items-center justify-between gap-2">
          <span className="truncate font-medium text-slate-700" data-testid="current-user">
            {username}
          </span>
          <SignOutButton />
        </div>
        <div className="flex items-center justify-between gap-2 text-xs">
          <StatusPicker />
          <span className="flex gap-2">
            <Link href="/settings" data-testid="settings-link" className="text-slate-600 hover:text-indigo-700 hover:underline">
              {t("settings")}
            </Link>
            {profile?.site_admin && (
              <Link href="/admin" data-testid="admin-link" className="text-slate-600 hover:text-indigo-700 hover:underline">
                {t("admin")}
              </Link>
            )}
          </span>
        </div>
      </div>
    </nav>
  );
}

/** A direct room, named after the other person, with their presence. */
function DirectLink({ room, active, username }: { room: RoomSummary; active: boolean; username: string }) {
  const { store } = useChat();
  const me = useMe();
  const presence = usePresenceMap();
  const shown = useShownStatus();
  // Only the members: messages and typing in this room do not re-render the link.
  const members = useStore(store.api, (s) => selectRoom(room.id)(s).members);
  const other = members?.find((m) => m.id !== me?.id);
  const name = directRoomName(room.name, username, members, me?.id);
  const unread = active ? 0 : (room.unread ?? 0);
  return (
    <li>
      <Link
        href={`/rooms/${room.id}`}
        data-testid="dm-link"
        data-room-id={room.id}
        aria-current={active ? "page" : undefined}
        className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${
          active ? "bg-indigo-600 text-white" : unread > 0 ? "font-semibold text-slate-900 hover:bg-slate-200" : "text-slate-700 hover:bg-slate-200"
        }`}
      >
        <Avatar id={other?.id ?? room.id} name={name} size="sm" status={other ? shown(presence[other.id]) : undefined} />
        <span className="flex-1 truncate" data-testid="dm-name">
          {name}
        </span>
        <MentionBadge count={active ? 0 : (room.mentions ?? 0)} />
        {unread > 0 && (
          <span data-testid="unread-count" className="rounded-full bg-indigo-600 px-1.5 py-0.5 text-[10px] font-bold leading-none text-white">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </Link>
    </li>
  );
}

/** A titled group of the sidebar (My rooms, Direct messages, Browse public). */
function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="px-2 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">
        {title}
      </h2>
      {children}
    </section>
  );
}
