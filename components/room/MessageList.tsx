"use client";
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { PendingMessage } from "@/lib/chat-store";
import { formatDay, sameDay } from "@/lib/format";
import { systemMetaOf, type Message } from "@/protocol";
import { removeLinkPreview } from "@/components/message/LinkPreview";
import { mentionsViewer } from "./MentionText";
import { AssistantReplyStatus, isAssistantReply, type AssistantInfo } from "./Assistant";
import { MessageRow, type MessageActions, type ReplyQuote } from "./MessageRow";
import { FIRST_UNREAD_ATTR, useFirstUnread } from "./useFirstUnread";
import { useMessageKeyboard } from "./useMessageKeyboard";
import { messageHref } from "@/lib/highlight";

/** Within this distance of the bottom the user is "at the bottom" and follows new messages. */
const BOTTOM_SLACK_PX = 48;
/** Scrolling this close to the top asks for the previous page of history. */
const TOP_TRIGGER_PX = 120;
const GROUP_WINDOW_MS = 5 * 60_000;

interface Props {
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  me: { id: string; username: string } | null;
  names: ReadonlyMap<string, string>;
  /** Member id → what to call them (display name, else username); the sender of a pending message is us. */
  shown?: ReadonlyMap<string, string>;
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  /** Reply parents fetched by id (older than the loaded history); null when not available. */
  quotes?: Readonly<Record<string, Message | null>>;
  /** Asks for a reply parent that is not loaded. */
  onNeedQuote?: (id: string) => void;
  /** Loads history back to a seq; resolves true once that message is held. */
  onLoadBackTo?: (seq: number) => Promise<boolean>;
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
  /** Present when the viewer is a member: edit/delete own messages, react to any. */
  onEdit?: (message: string, content: string) => boolean;
  onDelete?: (message: string) => boolean;
  onReact?: (message: string, emoji: string, op: "add" | "remove") => boolean;
  onReply?: (message: Message) => void;
  /** Moderators and above delete anyone's message (and stop anyone's assistant reply). */
  canDeleteAny?: boolean;
  /** The assistant, as GET /api/me describes it. */
  assistant?: AssistantInfo;
  /** Present when the viewer is a member: stop a streaming assistant reply. */
  onCancel?: (message: string) => boolean;
  /** The viewer's read cursor when the room was opened: a "new messages" divider follows it. */
  readCursor?: number | null;
  /** The room's newest seq when it was opened: the first unread up to it is scrolled to on opening. */
  unreadUntil?: number | null;
  /** "Seen by …" under the last message. */
  seenBy?: { label: string; title: string } | null;
  /** Called whenever the reader is at the bottom with the latest message on screen. */
  onViewedLatest?: () => void;
  /** Called with the highest seq on screen after it renders (delivery reports). */
  onRendered?: (seq: number) => void;
  /** Messages pinned to the room's header. */
  pinnedIds?: ReadonlySet<string>;
  /** Moderators and above: pin (pinned false) or unpin a message. */
  onTogglePin?: (message: string, pinned: boolean) => void;
  /** A message to show once history is loaded (search results, pins): scrolled to and highlighted. */
  focus?: { id: string; seq: number } | null;
}

/**
 * The scrolling message column. Keeps the reader's place when older history is prepended,
 * follows new messages only when the reader is already at the bottom (or just sent one), and
 * otherwise offers a "new messages" jump.
 */
export function MessageList(props: Props) {
  const { messages, pending, me, names, loaded, hasOlder, loadingOlder, onLoadOlder } = props;
  const scroller = useRef<HTMLDivElement>(null);
  useMessageKeyboard(scroller);
  const atBottom = useRef(true);
  /** Scroll geometry captured before prepending older messages, to restore the reader's place. */
  const anchor = useRef<{ height: number; top: number; firstId: string | undefined } | null>(null);
  const initialScrollDone = useRef(false);
  const [unseen, setUnseen] = useState(0);
  const [highlight, setHighlight] = useState<string | null>(null);
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { onViewedLatest, onRendered } = props;
  const lastCount = useRef({ messages: messages.length, pending: pending.length, lastId: messages.at(-1)?.id });

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
  }, []);

  const requestOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || !hasOlder || loadingOlder || !loaded) return;
    anchor.current = { height: el.scrollHeight, top: el.scrollTop, firstId: messages[0]?.id };
    onLoadOlder();
  }, [hasOlder, loadingOlder, loaded, messages, onLoadOlder]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
    if (atBottom.current) {
      setUnseen(0);
      onViewedLatest?.();
    }
    if (el.scrollTop <= TOP_TRIGGER_PX) requestOlder();
  }, [requestOlder, onViewedLatest]);

  // After each render at the bottom, the latest message has been seen; what rendered was delivered.
  const lastSeq = messages.at(-1)?.seq;
  useEffect(() => {
    if (!loaded || lastSeq === undefined) return;
    onRendered?.(lastSeq);
    if (atBottom.current) onViewedLatest?.();
  }, [loaded, lastSeq, onRendered, onViewedLatest]);

  useEffect(() => () => {
    if (highlightTimer.current) clearTimeout(highlightTimer.current);
  }, []);

  /** Scrolls to a message on screen and highlights it for a while; false when it is not rendered. */
  const showMessage = useCallback((id: string, highlightMs = 2000) => {
    const row = document.getElementById(`message-${id}`);
    if (!row) return false;
    row.scrollIntoView({ block: "center" });
    atBottom.current = false;
    setHighlight(id);
    if (highlightTimer.current) clearTimeout(highlightTimer.current);
    highlightTimer.current = setTimeout(() => setHighlight(null), highlightMs);
    return true;
  }, []);

  const { quotes, onNeedQuote, onLoadBackTo } = props;

  /** Reply quotes jump to their parent, loading history back to it when it is older than what is loaded. */
  const jumpTo = useCallback(
    (id: string) => {
      if (showMessage(id)) return;
      const parent = quotes?.[id];
      if (!parent || !onLoadBackTo) return;
      void onLoadBackTo(parent.seq).then((ok) => {
        if (!ok) return;
        // The loaded page renders on a following frame: wait for the row (bounded).
        let frames = 0;
        const attempt = () => {
          if (!showMessage(id) && ++frames < 60) requestAnimationFrame(attempt);
        };
        requestAnimationFrame(attempt);
      });
    },
    [showMessage, quotes, onLoadBackTo],
  );

  // A message asked for by the URL (a search result, a pin): once history is loaded, load back
  // to it (the reply jump's path) and show it; each target once.
  const { focus } = props;
  const focused = useRef<string | null>(null);
  useEffect(() => {
    if (!focus || !loaded || focused.current === focus.id) return;
    focused.current = focus.id;
    const SEARCH_HIGHLIGHT_MS = 6000;
    if (showMessage(focus.id, SEARCH_HIGHLIGHT_MS) || !onLoadBackTo) return;
    void onLoadBackTo(focus.seq).then((ok) => {
      if (!ok) return;
      let frames = 0;
      const attempt = () => {
        if (!showMessage(focus.id, SEARCH_HIGHLIGHT_MS) && ++frames < 120) requestAnimationFrame(attempt);
      };
      requestAnimationFrame(attempt);
    });
  }, [focus, loaded, showMessage, onLoadBackTo]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !loaded) return;
    const previous = lastCount.current;
    const lastId = messages.at(-1)?.id;
    lastCount.current = { messages: messages.length, pending: pending.length, lastId };

    if (!initialScrollDone.current) {
      initialScrollDone.current = true;
      scrollToBottom();
      return;
    }
    const saved = anchor.current;
    if (saved && messages[0]?.id !== saved.firstId) {
      // Older page prepended: keep the same message under the reader's eyes.
      anchor.current = null;
      el.scrollTop = el.scrollHeight - saved.height + saved.top;
      return;
    }
    const appended = lastId !== previous.lastId && messages.length > previous.messages;
    const ownNew = pending.length > previous.pending;
    if (ownNew || ((appended || pending.length !== previous.pending) && atBottom.current)) {
      scrollToBottom();
    } else if (appended) {
      // Room events (joins, kicks…) are not news to jump to.
      const news = messages.slice(previous.messages).filter((m) => m.kind !== "system").length;
      if (news > 0) setUnseen((n) => n + news);
    }
  }, [messages, pending, loaded, scrollToBottom]);

  const firstUnread = useFirstUnread({
    scrollerRef: scroller,
    atBottomRef: atBottom,
    loaded,
    rows: messages.length,
    readCursor: props.readCursor,
    unreadUntil: props.unreadUntil,
    lastSeq,
  });

  // Replies whose parent is older than the loaded history: fetch the parent by id for the quote.
  useEffect(() => {
    if (!onNeedQuote) return;
    const held = new Set(messages.map((m) => m.id));
    for (const id of [...messages.map((m) => m.reply_to), ...pending.map((p) => p.replyTo)]) {
      if (id && !held.has(id) && !(quotes && id in quotes)) onNeedQuote(id);
    }
  }, [messages, pending, quotes, onNeedQuote]);

  // A first page shorter than the viewport cannot be scrolled up: fetch more right away.
  useEffect(() => {
    const el = scroller.current;
    if (el && loaded && hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight) requestOlder();
  }, [loaded, hasOlder, loadingOlder, messages.length, requestOlder]);

  useEffect(() => {
    if (!loadingOlder && anchor.current && !hasOlder) anchor.current = null;
  }, [loadingOlder, hasOlder]);

  const nameOf = (id: string, fallback?: string) => fallback ?? names.get(id) ?? "unknown";
  /** The display name where the sender set one, with their username as the handle beside it. */
  const senderOf = (m: Message) => (m.sender_display ? { name: m.sender_display, handle: nameOf(m.sender, m.sender_name) } : { name: nameOf(m.sender, m.sender_name) });
  const { onEdit, onDelete, onReact, onReply, canDeleteAny, readCursor, pinnedIds, onTogglePin } = props;
  const actionsFor = (m: Message): MessageActions | undefined =>
    me && onEdit && onDelete && onReact && onReply
      ? {
          meId: me.id,
          canEdit: m.sender === me.id,
          canDelete: m.sender === me.id || !!canDeleteAny,
          onEdit: (content) => onEdit(m.id, content),
          onDelete: () => onDelete(m.id),
          onReact: (emoji, op) => onReact(m.id, emoji, op),
          onReply: () => onReply(m),
          link: messageHref(m.room, m),
          nameOf: (id) => props.shown?.get(id) ?? names.get(id) ?? "someone",
          ...(onTogglePin && !m.to && !m.deleted ? { onTogglePin: () => onTogglePin(m.id, pinnedIds?.has(m.id) ?? false) } : {}),
        }
      : undefined;
  const byId = new Map(messages.map((m) => [m.id, m] as const));
  const quoteOf = (id: string | null | undefined): ReplyQuote | undefined => {
    if (!id) return undefined;
    const parent = byId.get(id) ?? quotes?.[id];
    if (!parent) return { id, missing: true };
    const snippet = parent.deleted ? "This message was deleted" : parent.blocked ? "Hidden message from a blocked user" : parent.content.slice(0, 120);
    return { id, senderName: senderOf(parent).name, snippet };
  };
  // The divider goes above the first message from someone else after the read cursor.
  const dividerBefore =
    readCursor === null || readCursor === undefined ? undefined : messages.find((m) => m.seq > readCursor && m.sender !== me?.id && m.kind !== "system")?.id;

  return (
    <div className="relative min-h-0 flex-1">
      {/* A log region: screen readers announce new messages politely, without moving focus. */}
      <div ref={scroller} onScroll={onScroll} className="h-full overflow-y-auto" data-testid="message-scroller" role="log" aria-label="Messages" aria-live="polite" aria-relevant="additions">
        {!loaded ? (
          <p className="p-6 text-center text-sm text-slate-600">Loading messages…</p>
        ) : (
          <ol className="pb-4" aria-label="Messages">
            <li className="px-4 py-3 text-center text-xs text-slate-600" aria-hidden={!loadingOlder}>
              {loadingOlder ? "Loading older messages…" : hasOlder ? "" : messages.length ? "This is the beginning of the room." : ""}
            </li>
            {messages.length === 0 && pending.length === 0 && (
              <li className="px-4 py-10 text-center text-sm text-slate-600">No messages yet. Say hello!</li>
            )}
            {messages.map((m, i) => {
              const prev = messages[i - 1];
              const newDay = !prev || !sameDay(prev.created_at, m.created_at);
              const compact =
                !newDay &&
                !!prev &&
                prev.kind !== "system" &&
                prev.sender === m.sender &&
                Date.parse(m.created_at) - Date.parse(prev.created_at) < GROUP_WINDOW_MS;
              return (
                <Fragment key={m.id}>
                  {newDay && <DaySeparator iso={m.created_at} />}
                  {m.id === dividerBefore && (
                    <li data-testid="new-messages-divider" {...{ [FIRST_UNREAD_ATTR]: "" }} className="flex items-center gap-3 px-4 pt-3 pb-1 text-[11px] font-semibold uppercase tracking-wide text-rose-600">
                      <span className="h-px flex-1 bg-rose-300" />
                      New messages
                      <span className="h-px flex-1 bg-rose-300" />
                    </li>
                  )}
                  <MessageRow
                    kind={m.kind}
                    event={systemMetaOf(m)?.event}
                    messageId={m.id}
                    seq={m.seq}
                    senderId={m.sender}
                    senderName={senderOf(m).name}
                    senderHandle={senderOf(m).handle}
                    content={m.content}
                    createdAt={m.created_at}
                    compact={compact && m.id !== dividerBefore}
                    state="sent"
                    reply={quoteOf(m.reply_to)}
                    highlighted={highlight === m.id}
                    pinned={pinnedIds?.has(m.id)}
                    onJump={jumpTo}
                    edited={!!m.edited_at}
                    deleted={m.deleted}
                    blocked={m.blocked}
                    reactions={m.reactions}
                    actions={actionsFor(m)}
                    preview={m.preview}
                    attachments={m.attachments}
                    onRemovePreview={me?.id === m.sender ? () => removeLinkPreview(m.room, m.id) : undefined}
                    mentionsMe={mentionsViewer(m, me?.id)}
                    viewerName={me?.username}
                    streaming={m.streaming === true && !m.blocked}
                    footer={
                      isAssistantReply(m, props.assistant) && !m.deleted && !m.blocked ? (
                        <AssistantReplyStatus
                          message={m}
                          canStop={!!me && (m.meta?.requester === me.id || !!canDeleteAny)}
                          onStop={props.onCancel ? () => props.onCancel?.(m.id) : undefined}
                        />
                      ) : undefined
                    }
                  />
                </Fragment>
              );
            })}
            {props.seenBy && (
              <li data-testid="seen-by" title={props.seenBy.title} className="px-4 pt-1 text-right text-[11px] text-slate-600">
                {props.seenBy.label}
              </li>
            )}
            {pending.map((p) => (
              <MessageRow
                key={p.id}
                senderId={me?.id ?? "me"}
                senderName={(me && props.shown?.get(me.id)) || me?.username || "you"}
                content={p.content}
                createdAt={p.createdAt}
                attachments={p.attachments}
                kind={p.kind}
                compact={false}
                state={p.state}
                reply={quoteOf(p.replyTo)}
                error={p.error}
                retryAt={p.retryAt}
                onRetry={p.state === "failed" ? () => props.onRetry(p.id) : undefined}
                onDiscard={p.state === "failed" ? () => props.onDiscard(p.id) : undefined}
              />
            ))}
          </ol>
        )}
      </div>
      {firstUnread.showJump && (
        <div className="absolute top-2 left-1/2 flex -translate-x-1/2 items-center overflow-hidden rounded-full bg-rose-600 text-xs font-semibold text-white shadow-lg">
          <button type="button" data-testid="jump-to-unread" onClick={firstUnread.jump} className="py-1 pr-2 pl-3 hover:bg-rose-500">
            Jump to first unread
          </button>
          <button type="button" data-testid="jump-to-unread-dismiss" aria-label="Dismiss" onClick={firstUnread.dismiss} className="py-1 pr-3 pl-1 hover:bg-rose-500">
            ✕
          </button>
        </div>
      )}
      {unseen > 0 && (
        <button
          type="button"
          onClick={scrollToBottom}
          data-testid="jump-to-latest"
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-indigo-600 px-3 py-1 text-xs font-semibold text-white shadow-lg hover:bg-indigo-500"
        >
          {unseen} new message{unseen === 1 ? "" : "s"} ↓
        </button>
      )}
    </div>
  );
}

function DaySeparator({ iso }: { iso: string }) {
  return (
    <li className="flex items-center gap-3 px-4 pt-4 pb-1 text-[11px] font-medium text-slate-600" aria-hidden>
      <span className="h-px flex-1 bg-slate-200" />
      {formatDay(iso)}
      <span className="h-px flex-1 bg-slate-200" />
    </li>
  );
}
