"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useStore } from "zustand";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { useProfile } from "@/hooks/useProfile";
import { useRoom } from "@/hooks/useRoom";
import { ApiError } from "@/lib/api";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { type MuteState, selectRoom } from "@/lib/chat-store";
import { directRoomName } from "@/lib/format";
import { useFormatText } from "@/hooks/useFormatText";
import { roomQuery } from "@/lib/queries";
import { canAdminister, canModerate, isRole } from "@/lib/roles";
import { ErrorReason, type Attachment, type Message } from "@/protocol";
import { useRoomFiles } from "@/components/files/RoomFiles";
import { kindOf } from "@/lib/files/upload";
import type { RoomDetail } from "@/protocol/rest";
import { lastEditable } from "@/lib/composer";
import { Composer } from "./Composer";
import { mayMentionRoom } from "./mention-rules";
import { NotificationLevelControl } from "./NotificationLevelControl";
import { AssistantNotice } from "./Assistant";
import { MemberList } from "./MemberList";
import { MessageList } from "./MessageList";
import { PinnedMessages } from "./PinnedMessages";
import { usePins } from "@/hooks/usePins";
import { MemberSheet } from "./MemberSheet";
import { sendWaitOf } from "./SendWait";
import { useDirectBlock } from "./useDirectBlock";
import type { Formatter, RoomTranslator } from "./i18n";

/** Mutes this far away are "indefinite" (the server stores them as a date a century ahead). */
const INDEFINITE_AFTER_MS = 50 * 365 * 86_400_000;

/** Whether a mute is in force at `now`. */
export function isMuted(mute: MuteState | null, now: number): boolean {
  return !!mute && (mute.until ? Date.parse(mute.until) : Infinity) > now;
}

/** "You are muted until …" (+ the moderator's reason), or null when the mute is over. */
export function muteText(mute: MuteState | null, now: number, t: RoomTranslator, format: Formatter): string | null {
  if (!mute || !isMuted(mute, now)) return null;
  const reason = mute.reason;
  if (!mute.until || Date.parse(mute.until) - now > INDEFINITE_AFTER_MS) return reason ? t("mute.indefiniteReason", { reason }) : t("mute.indefinite");
  const when = format.dateTime(new Date(mute.until), "full");
  return reason ? t("mute.untilReason", { when, reason }) : t("mute.until", { when });
}

/** "Seen by Bob, Carol" (up to three names) or "Seen by 12", with every name for the tooltip. */
export function seenByText(names: readonly string[], t: RoomTranslator): { label: string; title: string } | null {
  if (names.length === 0) return null;
  const title = names.join(", ");
  return { label: names.length <= 3 ? t("seenBy.names", { names: title }) : t("seenBy.count", { count: names.length }), title };
}

/**
 * A room: header, history and live messages, composer and members. Members of the room are
 * joined on the socket while it is shown; a public room the user has not joined is shown as a
 * read-only preview with a Join button.
 */
export function RoomView({ roomId, focus = null }: { roomId: string; focus?: { id: string; seq: number } | null }) {
  const { directory, store } = useChat();
  const t = useTranslations("room");
  const formatText = useFormatText();
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const me = useMe();
  const profile = useProfile();
  const detail = useQuery(roomQuery(roomId));
  const [joinRequested, setJoinRequested] = useState(false);
  const [showMembers, setShowMembers] = useState(true);
  /** Below the `lg` breakpoint the member list opens as a sheet instead of a column. */
  const [memberSheet, setMemberSheet] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const room: RoomDetail | null = detail.data ?? null;
  // A removal seen earlier in this tab is history once the room is opened again (REST decides now).
  useEffect(() => store.patchRoom(roomId, { removed: null }), [store, roomId]);
  const removed = useStore(store.api, (s) => selectRoom(roomId)(s).removed);
  const isMember = !!room && (room.role !== undefined || joinRequested) && !removed;
  const { state, pending, quotes, fetchQuote, loadBackTo, send, loadOlder, retry, discard, markRead, markDelivered, setTyping, edit, remove, react, cancel } = useRoom(roomId, { live: isMember });

  // Once the server confirms a join the room is in "My rooms".
  useEffect(() => {
    if (state.joined && joinRequested) void directory.refresh();
  }, [state.joined, joinRequested, directory]);

  // A mute that was in force when the room loaded (the live frame only reports later changes).
  useEffect(() => {
    if (!room || !me) return;
    const mine = room.members.find((m) => m.id === me.id);
    if (mine?.muted_until && store.getRoom(roomId).mute === null) store.patchRoom(roomId, { mute: { until: mine.muted_until, reason: mine.muted_reason ?? null } });
  }, [room, me, store, roomId]);

  // Re-enable the composer the moment a timed mute ends.
  const muteUntil = state.mute?.until ? Date.parse(state.mute.until) : null;
  useEffect(() => {
    if (muteUntil === null) return;
    const delay = muteUntil - Date.now();
    if (delay <= 0 || delay > 2 ** 31 - 1) return;
    const timer = setTimeout(() => setNow(Date.now()), delay + 50);
    return () => clearTimeout(timer);
  }, [muteUntil]);

  // The read cursor as it was when the room was opened: the "new messages" divider stays put.
  const [readCursor, setReadCursor] = useState<number | null>(() => {
    const mine = me ? store.getRoom(roomId).reads[me.id] : undefined;
    if (mine !== undefined) return mine;
    const summary = directory.rooms().find((r) => r.id === roomId);
    return summary && summary.unread ? (summary.read_seq ?? summary.last_seq - summary.unread) : null;
  });
  // The room's newest seq when it was opened: unread up to it is landed on, later arrivals are live.
  const [openedAtSeq] = useState(() => directory.rooms().find((r) => r.id === roomId)?.last_seq ?? null);
  const myRead = me ? state.reads[me.id] : undefined;
  // Not known at mount (first visit in this tab): the first cursor the server reports.
  if (readCursor === null && myRead !== undefined) setReadCursor(myRead);

  // What is on screen, at the bottom of a visible tab, has been read.
  const lastSeq = state.messages.at(-1)?.seq;
  const readPending = useRef(false);
  const viewedLatest = useCallback(() => {
    if (!isMember || lastSeq === undefined) return;
    if (document.visibilityState !== "visible") {
      readPending.current = true;
      return;
    }
    readPending.current = false;
    markRead(lastSeq);
    directory.markRead(roomId, lastSeq);
  }, [isMember, lastSeq, markRead, directory, roomId]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible" && readPending.current) viewedLatest();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [viewedLatest]);
  const rendered = useCallback((seq: number) => isMember && markDelivered(seq), [isMember, markDelivered]);

  const members = useMemo(() => state.members ?? room?.members ?? [], [state.members, room]);
  const names = useMemo(() => new Map(members.map((m) => [m.id, m.username] as const)), [members]);
  /** What to call each member: their display name where they set one. */
  const shown = useMemo(() => new Map(members.map((m) => [m.id, m.display_name || m.username] as const)), [members]);
  const typingNames = useMemo(() => {
    const byUsername = new Map(members.map((m) => [m.username, m.display_name || m.username] as const));
    return state.typing.map((n) => byUsername.get(n) ?? n);
  }, [members, state.typing]);
  const myRoleRaw = members.find((m) => m.id === me?.id)?.role ?? room?.role;
  const viewer = { role: isRole(myRoleRaw) ? myRoleRaw : null, siteAdmin: !!profile?.site_admin };
  const pins = usePins(roomId, !!room);
  const directBlock = useDirectBlock(room, members, me?.id);
  const canPin = isMember && canModerate(viewer);

  const mentionSource = useMemo(
    () => ({ members, meId: me?.id, canMentionRoom: mayMentionRoom(viewer, room?.settings) }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [members, me?.id, viewer.role, viewer.siteAdmin, room?.settings],
  );

  const last = state.messages.at(-1);
  const seenBy = useMemo(() => {
    if (!last || !me) return null;
    const readers = members.filter((m) => m.id !== me.id && m.id !== last.sender && (state.reads[m.id] ?? -1) >= last.seq).map((m) => m.display_name || m.username);
    return seenByText(readers, t);
  }, [last, me, members, state.reads, t]);

  const sendWithReply = useCallback(
    (content: string, attachments?: readonly Attachment[]) => {
      send(content, replyTo?.id, attachments?.length ? { attachments, kind: kindOf(attachments) } : undefined);
      setReplyTo(null);
    },
    [send, replyTo],
  );
  // "File sharing" (live through room_updated); muted and archived rooms take no files either.
  const settingsNow = state.info?.settings ?? room?.settings;
  const files = useRoomFiles(
    roomId,
    isMember && settingsNow?.files_allowed !== false && typeof settingsNow?.archived_at !== "string" && !isMuted(state.mute, now),
    (content, attached) => send(content, undefined, attached),
  );

  if (removed) return <Removed kind={removed.kind} reason={removed.reason} />;
  if (!room && detail.isPending) {
    return <p className="m-auto text-sm text-slate-600">{t("view.loading")}</p>;
  }
  if (!room) {
    const failure = roomFailure(detail.error, t, errorMessage);
    return (
      <div className="m-auto max-w-sm p-6 text-center" role="alert" data-testid="room-error">
        <p className="text-base font-semibold text-slate-800">{failure.title}</p>
        <p className="mt-1 text-sm text-slate-600">{failure.detail}</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
          {t("view.backToRooms")}
        </Link>
      </div>
    );
  }

  const current = { ...room, ...state.info };
  const title = current.visibility === "direct" ? directRoomName(current.name, me?.username, members, me?.id) : current.name;
  const muted = muteText(state.mute, now, t, format);
  // Archived by a site admin (a room setting, kept live by `room_updated`): read-only for everyone.
  const archived = typeof current.settings?.archived_at === "string" ? t("view.archived") : null;
  const memberList = (
    <MemberList
      members={members}
      meId={me?.id}
      footer={
        current.visibility !== "direct" && (
          <AssistantNotice info={profile?.assistant} roomEnabled={current.settings?.assistant !== false} canConfigure={canAdminister(viewer)} />
        )
      }
    />
  );
  return (
    <div className="flex min-h-0 flex-1">
      <section className="relative flex min-w-0 flex-1 flex-col" aria-label={title} {...files.dropProps}>
        {files.dropOverlay}
        <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-3">
          <Link href="/" className="text-sm text-slate-600 md:hidden" aria-label={t("view.backToRoomsShort")}>
            ←
          </Link>
          <div className="min-w-0 flex-1">
            <h1 className="flex items-center gap-2 truncate text-base font-semibold text-slate-900" data-testid="room-name">
              <span className="text-slate-600" aria-hidden>
                {current.visibility === "private" ? "🔒" : current.visibility === "direct" ? "@" : "#"}
              </span>
              {title}
            </h1>
            {current.topic && (
              <p className="truncate text-xs text-slate-600" data-testid="room-topic">
                {current.topic}
              </p>
            )}
          </div>
          {isMember && <NotificationLevelControl roomId={roomId} />}
          {isMember && canModerate(viewer) && current.visibility !== "direct" && (
            <Link
              href={`/rooms/${roomId}/manage`}
              data-testid="manage-room"
              className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
            >
              {t("view.manage")}
            </Link>
          )}
          <PinnedMessages roomId={roomId} pins={pins.pins} error={pins.error} canPin={canPin} onUnpin={(id) => pins.toggle(id, true)} />
          <button
            type="button"
            onClick={() => (window.matchMedia("(min-width: 1024px)").matches ? setShowMembers((v) => !v) : setMemberSheet(true))}
            aria-pressed={showMembers}
            data-testid="member-count"
            className="rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100"
          >
            {t("view.memberCount", { count: members.length })}
          </button>
        </header>

        {state.error && (
          <div role="alert" data-testid="room-state-error" className="border-b border-rose-200 bg-rose-50 px-4 py-2 text-sm text-rose-800">
            {state.error}
          </div>
        )}

        <MessageList
          messages={state.messages}
          pending={pending}
          me={me}
          names={names}
          shown={shown}
          loaded={state.loaded}
          hasOlder={state.hasOlder}
          loadingOlder={state.loadingOlder}
          onLoadOlder={loadOlder}
          quotes={quotes}
          onNeedQuote={fetchQuote}
          onLoadBackTo={loadBackTo}
          onRetry={retry}
          onDiscard={discard}
          onEdit={isMember ? edit : undefined}
          onDelete={isMember ? remove : undefined}
          onReact={isMember ? react : undefined}
          onReply={isMember ? setReplyTo : undefined}
          canDeleteAny={canModerate(viewer)}
          assistant={profile?.assistant}
          onCancel={isMember ? cancel : undefined}
          readCursor={isMember ? readCursor : null}
          unreadUntil={openedAtSeq}
          seenBy={isMember ? seenBy : null}
          onViewedLatest={viewedLatest}
          onRendered={rendered}
          pinnedIds={pins.ids}
          onTogglePin={canPin ? pins.toggle : undefined}
          focus={focus}
        />

        {isMember ? (
          <>
            <TypingLine names={typingNames} />
            <Composer
              roomName={title}
              onSend={sendWithReply}
              onTyping={setTyping}
              blockedReason={archived ?? muted ?? directBlock}
              wait={sendWaitOf(pending)}
              replyTo={replyTo ? { id: replyTo.id, senderName: shown.get(replyTo.sender) ?? replyTo.sender_display ?? replyTo.sender_name ?? t("view.unknownSender"), snippet: formatText.summary(replyTo).slice(0, 120) } : null}
              onCancelReply={() => setReplyTo(null)}
              mentionSource={mentionSource}
              draft={me ? { user: me.id, room: roomId } : undefined}
              onEditLast={() => lastEditable(state.messages, me?.id)}
              onEditSave={edit}
              files={files.composer}
            />
          </>
        ) : (
          <div className="flex items-center justify-between gap-3 border-t border-slate-200 bg-slate-50 px-4 py-3">
            <p className="text-sm text-slate-600">{t("view.previewing")}</p>
            <button
              type="button"
              data-testid="join-room"
              onClick={() => setJoinRequested(true)}
              className="rounded-md bg-indigo-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500"
            >
              {t("view.join")}
            </button>
          </div>
        )}
      </section>
      {showMembers && <div className="hidden lg:flex">{memberList}</div>}
      {memberSheet && <MemberSheet onClose={() => setMemberSheet(false)}>{memberList}</MemberSheet>}
    </div>
  );
}

function Removed({ kind, reason }: { kind: "kicked" | "banned"; reason: string | null }) {
  const t = useTranslations("room.view");
  return (
    <div className="m-auto max-w-sm p-6 text-center" role="alert" data-testid="room-removed" data-kind={kind}>
      <p className="text-base font-semibold text-slate-800">{kind === "banned" ? t("removed.banned") : t("removed.kicked")}</p>
      {reason && (
        <p className="mt-1 text-sm text-slate-600" data-testid="room-removed-reason">
          {t("removed.reason", { reason })}
        </p>
      )}
      <Link href="/" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
        {t("backToRooms")}
      </Link>
    </div>
  );
}

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingText(names: readonly string[], t: RoomTranslator): string {
  if (names.length === 0) return "";
  if (names.length === 1) return t("typing.one", { name: names[0]! });
  if (names.length === 2) return t("typing.two", { first: names[0]!, second: names[1]! });
  return t("typing.several");
}

function TypingLine({ names }: { names: readonly string[] }) {
  const t = useTranslations("room");
  return (
    <p className="h-5 px-4 text-xs italic text-slate-600" data-testid="typing-indicator" aria-live="polite">
      {typingText(names, t)}
    </p>
  );
}

/** Why a room cannot be opened, said once: a heading and what to do about it. */
function roomFailure(error: unknown, t: RoomTranslator, errorMessage: (err: unknown) => string): { title: string; detail: string } {
  if (!(error instanceof ApiError)) return { title: t("view.failure.offlineTitle"), detail: t("view.failure.offlineDetail") };
  if (error.code === "NOT_FOUND") return { title: t("view.failure.notFoundTitle"), detail: t("view.failure.notFoundDetail") };
  if (error.code === "FORBIDDEN" && error.reason === ErrorReason.BANNED) return { title: t("view.failure.bannedTitle"), detail: t("view.failure.bannedDetail") };
  if (error.code === "FORBIDDEN") return { title: t("view.failure.privateTitle"), detail: t("view.failure.privateDetail") };
  return { title: t("view.failure.otherTitle"), detail: errorMessage(error) };
}
