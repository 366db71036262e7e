"use client";
/**
 * Attention outside the page: desktop notifications for qualifying messages while no tab of the
 * user is visible (one tab shows each), the unread total in the tab title, and the prompt that
 * asks for the browser's permission only when the user clicks it.
 */
import { useTranslations } from "next-intl";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { readChoice } from "@/hooks/usePresence";
import type { ChatStore } from "@/lib/chat-store";
import { directRoomName } from "@/lib/format";
import { useFormatText } from "@/hooks/useFormatText";
import { notificationKey, notificationText, shouldNotify, tabTitle, totalUnread, type Incoming } from "@/lib/notify";
import { claimOnce, notificationPermission, TabVisibility } from "@/lib/notify-browser";
import type { ServerFrame } from "@/protocol";
import type { RoomSummary } from "@/protocol/rest";

const PROMPT_DISMISSED_KEY = "confab:notifications-prompt";

const activeRoomOf = (pathname: string | null) => /^\/rooms\/([^/]+)$/.exec(pathname ?? "")?.[1] ?? null;

export function DesktopNotifications() {
  const { client, store, directory } = useChat();
  const t = useTranslations("shell");
  const formatText = useFormatText();
  const me = useMe();
  const router = useRouter();
  const activeRoom = activeRoomOf(usePathname());
  const rooms = useSyncExternalStore(directory.subscribe, () => directory.rooms(), () => directory.rooms());

  useEffect(() => {
    if (!me) return;
    const tabs = new TabVisibility(me.id);
    const onFrame = (frame: ServerFrame) => {
      const incoming = incomingOf(frame, me.id);
      if (!incoming) return;
      // A seq the directory already knows is a replay, not news.
      const room = directory.rooms().find((r) => r.id === incoming.room);
      if (!room || incoming.seq <= room.last_seq) return;
      const context = { me: me.id, level: room.notifications, status: readChoice(), anyTabVisible: tabs.anyVisible(), permission: notificationPermission() };
      if (!shouldNotify(incoming, context)) return;
      const text = notificationText({
        roomLabel: labelOf(room, store, me),
        senderName: frame.type === "message" ? frame.message.sender_display || frame.message.sender_name || null : memberName(store, incoming.room, incoming.sender),
        content: frame.type === "message" ? formatText.summary(frame.message) : null,
        mention: incoming.mention,
      }, t);
      const key = notificationKey(incoming);
      void claimOnce(me.id, key, () => {
        const shown = new Notification(text.title, { body: text.body, tag: key, data: { room: incoming.room } });
        shown.onclick = () => {
          window.focus();
          router.push(`/rooms/${incoming.room}`);
          shown.close();
        };
      });
    };
    // Phase "before": the directory has not counted the frame yet.
    const stop = client.subscribe(onFrame, { phase: "before" });
    return () => {
      stop();
      tabs.close();
    };
  }, [client, directory, me, router, store, t, formatText]);

  const active = activeRoom ? rooms.find((r) => r.id === activeRoom) : undefined;
  useDocumentTitle(tabTitle(totalUnread(rooms, null), active ? labelOf(active, store, me) : null, t));

  return <NotificationPrompt />;
}

/** `#general`, or `@bob` for a direct conversation. */
function labelOf(room: RoomSummary, store: ChatStore, me: { id: string; username: string } | null): string {
  if (room.visibility !== "direct") return `#${room.name}`;
  return `@${directRoomName(room.name, me?.username, store.getRoom(room.id).members, me?.id)}`;
}

/** What the tab knows a member is called (rooms it opened), for notifications without a message body. */
function memberName(store: ChatStore, room: string, user: string): string | null {
  const member = store.getRoom(room).members?.find((m) => m.id === user);
  return member ? member.display_name || member.username : null;
}

/** A new message as this tab learns of it: a joined room's `message` or a watched room's `room_activity`. */
function incomingOf(frame: ServerFrame, me: string): Incoming | null {
  if (frame.type === "message") {
    const m = frame.message;
    return { room: frame.room, seq: m.seq, sender: m.sender, mention: m.mentions?.includes(me) === true, system: m.kind === "system" || m.blocked === true };
  }
  if (frame.type === "room_activity") return { room: frame.room, seq: frame.seq, sender: frame.sender, mention: frame.mention === true, system: false };
  return null;
}

/**
 * Keeps `document.title` at `title`. Next.js writes each page's metadata title on navigation,
 * after this effect may have run: the title element is watched and the count put back.
 */
function useDocumentTitle(title: string) {
  useEffect(() => {
    const apply = () => {
      if (document.title !== title) document.title = title;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [title]);
}

/** "Enable desktop notifications": the permission is requested only from this click. */
function NotificationPrompt() {
  const t = useTranslations("shell.notifications");
  // Server render: no prompt (the browser decides after hydration).
  const permission = useSyncExternalStore(subscribePrompt, notificationPermission, () => null);
  const dismissed = useSyncExternalStore(subscribePrompt, () => localStorage.getItem(PROMPT_DISMISSED_KEY) === "1", () => true);
  if (permission !== "default" || dismissed) return null;
  return (
    <div role="region" aria-label={t("region")} data-testid="notifications-prompt" className="flex items-center gap-3 border-b border-indigo-200 bg-indigo-50 px-4 py-2 text-sm text-indigo-900">
      <span className="flex-1">{t("prompt")}</span>
      <button
        type="button"
        data-testid="notifications-enable"
        onClick={() => void Notification.requestPermission().then(promptChanged)}
        className="rounded-md bg-indigo-600 px-3 py-1 text-xs font-semibold text-white hover:bg-indigo-500"
      >
        {t("enable")}
      </button>
      <button
        type="button"
        aria-label={t("notNow")}
        onClick={() => {
          localStorage.setItem(PROMPT_DISMISSED_KEY, "1");
          promptChanged();
        }}
        className="rounded px-1 text-indigo-700 hover:bg-indigo-100"
      >
        ✕
      </button>
    </div>
  );
}

const PROMPT_EVENT = "confab:notifications-prompt";
const promptChanged = () => window.dispatchEvent(new Event(PROMPT_EVENT));
function subscribePrompt(listener: () => void): () => void {
  window.addEventListener(PROMPT_EVENT, listener);
  return () => window.removeEventListener(PROMPT_EVENT, listener);
}
