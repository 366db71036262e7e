"use client";
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslations } from "next-intl";
import type { PendingMessage } from "@/lib/chat-store";
import { useFormatText } from "@/hooks/useFormatText";
import { usePendingReason } from "./usePendingReason";
import type { Message } from "@/protocol";
import type { AssistantInfo } from "./Assistant";
import { MessageItem, type RowHandlers } from "./MessageItem";
import { MessageRow, type ReplyQuote } from "./MessageRow";
import { FIRST_UNREAD_ATTR, useFirstUnread } from "./useFirstUnread";
import { useMessageKeyboard, type RowTarget } from "./useMessageKeyboard";
import { BOTTOM_SLACK_PX, DIVIDER_KEY, announceable, appendedSince, buildListItems, dividerBeforeId, estimateSize, indexByKey, isAtBottom, newsSince, type ListItem } from "./message-list-model";

/** Scrolling this close to the top asks for the previous page of history. */
const TOP_TRIGGER_PX = 120;
/** The "loading older / beginning of the room" line above the rows. */
const STATUS_PX = 40;
const BOTTOM_PAD_PX = 16;
/** Rows mounted beyond each edge of the view: enough for smooth scrolling, few enough to stay light. */
const OVERSCAN = 6;

/**
 * What MessageList lets its parent (and the keyboard navigation) do with rows that may not be
 * mounted: only the rows near the view are in the DOM.
 */
export interface MessageListHandle {
  /**
   * Scrolls a loaded message into view and resolves with its row element once mounted (null when
   * the message is not loaded or did not mount within a second).
   */
  scrollToMessage(id: string, align?: "start" | "center" | "end" | "auto"): Promise<HTMLElement | null>;
  /** The loaded message `delta` rows away from `id` (−1 the one above), or null past either end. */
  adjacentMessageId(id: string, delta: number): string | null;
}

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
  ref?: Ref<MessageListHandle>;
}

/** Calls `attempt` on following frames until it returns true, at most `frames` times. */
function untilTrue(attempt: () => boolean, frames: number) {
  let left = frames;
  const step = () => {
    if (!attempt() && --left > 0) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

/**
 * The scrolling message column, virtualized: only the rows near the view are mounted, measured
 * as they render (markdown, previews and images change their height). Keeps the reader's place
 * when older history is prepended (the virtualizer anchors on the row under the reader, by key),
 * follows new messages only when the reader is already at the bottom (or just sent one), and
 * otherwise offers a "new messages" jump. Row order and grouping live in message-list-model.ts.
 */
export function MessageList(props: Props) {
  const { messages, pending, me, names, loaded, hasOlder, loadingOlder, onLoadOlder } = props;
  const t = useTranslations("room");
  const formatText = useFormatText();
  const pendingReason = usePendingReason();
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const initialScrollDone = useRef(false);
  const [unseen, setUnseen] = useState(0);
  /**
   * The latest messages from others that arrived live, read out by the announcer below. The
   * scroller is not a live region itself: its rows mount and unmount as it scrolls, and each
   * would be read out.
   */
  const [announced, setAnnounced] = useState<readonly Message[]>([]);
  const meId = me?.id;
  const openedAtSeq = props.unreadUntil;
  const [highlight, setHighlight] = useState<string | null>(null);
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { onViewedLatest, onRendered, readCursor, pinnedIds, canDeleteAny } = props;
  const lastSeen = useRef({ pending: pending.length, lastId: messages.at(-1)?.id });

  const dividerBefore = dividerBeforeId(messages, readCursor, me?.id);
  const hasSeenBy = !!props.seenBy;
  const items = useMemo(() => buildListItems({ messages, pending, dividerBefore, seenBy: hasSeenBy }), [messages, pending, dividerBefore, hasSeenBy]);
  const indexOf = useMemo(() => indexByKey(items), [items]);
  // New only when the rows change, so scrolling does not recompute 10,000 row positions.
  const getItemKey = useCallback((i: number) => items[i]?.key ?? i, [items]);
  const estimate = useCallback((i: number) => estimateSize(items[i]), [items]);

  // The compiler skips this component; rows are memoized by hand (MessageItem) and receive only
  // the virtualizer's stable measureElement.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLLIElement>({
    count: loaded ? items.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: estimate,
    getItemKey,
    overscan: OVERSCAN,
    paddingStart: STATUS_PX,
    paddingEnd: BOTTOM_PAD_PX,
    // Chat: prepends keep the row under the reader in place, growth at the bottom keeps a reader
    // who is at the bottom there, and appends follow only a reader at the bottom. "At the bottom"
    // is the list's own flag, not the virtualizer's: the virtualizer learns of a programmatic
    // scroll (landing on the first unread) only from the scroll event, and a replay batch
    // rendered before that event would otherwise be followed to the end.
    anchorTo: "end",
    followOnAppend: atBottom.current,
    scrollEndThreshold: BOTTOM_SLACK_PX,
  });

  const scrollToBottom = useCallback(() => {
    virtualizer.scrollToEnd();
    atBottom.current = true;
    setUnseen(0);
  }, [virtualizer]);

  /**
   * Where the oldest loaded message sat on screen before older history was asked for. The
   * virtualizer keeps the row under the reader in place by key on its own, but at the very top
   * that row can be one that stays first (a day separator or the divider moving up): then this
   * puts the previously oldest message back where it was.
   */
  const prependAnchor = useRef<{ id: string; offset: number } | null>(null);

  const requestOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || !hasOlder || loadingOlder || !loaded) return;
    const first = messages[0];
    const row = first && virtualizer.measurementsCache[indexOf.get(first.id) ?? -1];
    prependAnchor.current = first && row ? { id: first.id, offset: row.start - el.scrollTop } : null;
    onLoadOlder();
  }, [hasOlder, loadingOlder, loaded, onLoadOlder, messages, indexOf, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = isAtBottom(el);
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

  useEffect(() => {
    if (!loadingOlder && !hasOlder) prependAnchor.current = null;
  }, [loadingOlder, hasOlder]);

  /** Scrolls to a loaded message (mounted or not) and highlights it for a while; false when not loaded. */
  const showMessage = useCallback(
    (id: string, highlightMs = 2000) => {
      const index = indexOf.get(id);
      if (index === undefined) return false;
      virtualizer.scrollToIndex(index, { align: "center" });
      atBottom.current = false;
      setHighlight(id);
      if (highlightTimer.current) clearTimeout(highlightTimer.current);
      highlightTimer.current = setTimeout(() => setHighlight(null), highlightMs);
      return true;
    },
    [indexOf, virtualizer],
  );
  const showMessageRef = useRef(showMessage);
  showMessageRef.current = showMessage;

  const { quotes, onNeedQuote, onLoadBackTo } = props;

  /** Reply quotes jump to their parent, loading history back to it when it is older than what is loaded. */
  const jumpTo = useCallback(
    (id: string) => {
      if (showMessage(id)) return;
      const parent = quotes?.[id];
      if (!parent || !onLoadBackTo) return;
      void onLoadBackTo(parent.seq).then((ok) => {
        // The loaded page renders on a following frame: wait for the row (bounded).
        if (ok) untilTrue(() => showMessageRef.current(id), 60);
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
      if (ok) untilTrue(() => showMessageRef.current(focus.id, SEARCH_HIGHLIGHT_MS), 120);
    });
  }, [focus, loaded, showMessage, onLoadBackTo]);

  useLayoutEffect(() => {
    if (!loaded) return;
    const previous = lastSeen.current;
    lastSeen.current = { pending: pending.length, lastId: messages.at(-1)?.id };
    if (!initialScrollDone.current) {
      initialScrollDone.current = true;
      scrollToBottom();
      return;
    }
    const saved = prependAnchor.current;
    if (saved && messages[0]?.id !== saved.id) {
      prependAnchor.current = null;
      const row = virtualizer.measurementsCache[indexOf.get(saved.id) ?? -1];
      const target = row ? row.start - saved.offset : null;
      if (target !== null && Math.abs((scroller.current?.scrollTop ?? target) - target) > 1) virtualizer.scrollToOffset(target);
    }
    const news = newsSince(messages, previous.lastId);
    const worthSaying = announceable(appendedSince(messages, previous.lastId), meId, openedAtSeq);
    if (worthSaying.length > 0) setAnnounced(worthSaying);
    const ownNew = pending.length > previous.pending;
    if (ownNew || ((news > 0 || messages.at(-1)?.id !== previous.lastId || pending.length !== previous.pending) && atBottom.current)) {
      scrollToBottom();
    } else if (news > 0) {
      setUnseen((n) => n + news);
    }
  }, [messages, pending, loaded, scrollToBottom, indexOf, virtualizer, meId, openedAtSeq]);

  const dividerIndex = indexOf.get(DIVIDER_KEY) ?? null;
  const firstUnread = useFirstUnread({
    virtualizer,
    scrollerRef: scroller,
    atBottomRef: atBottom,
    loaded,
    rows: items.length,
    dividerIndex,
    dividerSeq: dividerIndex === null ? null : (messages.find((m) => m.id === dividerBefore)?.seq ?? null),
    readCursor,
    unreadUntil: props.unreadUntil,
    lastSeq,
  });

  useImperativeHandle(
    props.ref,
    () => ({
      scrollToMessage(id, align = "auto") {
        const index = indexOf.get(id);
        if (index === undefined) return Promise.resolve(null);
        virtualizer.scrollToIndex(index, { align });
        atBottom.current = false;
        return new Promise((resolve) => {
          let frames = 60;
          const step = () => {
            const row = scroller.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
            if (row || --frames <= 0) resolve(row ?? null);
            else requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        });
      },
      adjacentMessageId(id, delta) {
        const at = messages.findIndex((m) => m.id === id);
        return at < 0 ? null : (messages[at + delta]?.id ?? null);
      },
    }),
    [indexOf, virtualizer, messages],
  );

  // Arrow keys move focus between rows; a row that is not mounted yet is scrolled into the DOM first.
  const reveal = useCallback(
    (from: string | null, target: RowTarget) => {
      const at = from === null ? -1 : messages.findIndex((m) => m.id === from);
      const next =
        target === "first" ? messages[0] : target === "last" ? messages.at(-1) : at < 0 ? undefined : messages[at + (target === "next" ? 1 : -1)];
      const index = next ? indexOf.get(next.id) : undefined;
      if (index !== undefined) virtualizer.scrollToIndex(index, { align: "auto" });
    },
    [messages, indexOf, virtualizer],
  );
  useMessageKeyboard(scroller, { reveal });

  // Replies whose parent is older than the loaded history: fetch the parent by id for the quote.
  useEffect(() => {
    if (!onNeedQuote) return;
    const held = new Set(messages.map((m) => m.id));
    for (const id of [...messages.map((m) => m.reply_to), ...pending.map((p) => p.replyTo)]) {
      if (id && !held.has(id) && !(quotes && id in quotes)) onNeedQuote(id);
    }
  }, [messages, pending, quotes, onNeedQuote]);

  // A first page shorter than the viewport cannot be scrolled up: fetch more right away.
  const totalSize = virtualizer.getTotalSize();
  useEffect(() => {
    const el = scroller.current;
    if (el && loaded && hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight) requestOlder();
  }, [loaded, hasOlder, loadingOlder, totalSize, requestOlder]);

  // One object for the list's life: memoized rows keep their props while the room view re-renders.
  const latest = useRef(props);
  latest.current = props;
  const jumpRef = useRef(jumpTo);
  jumpRef.current = jumpTo;
  const handlers = useMemo<RowHandlers>(
    () => ({
      edit: (id, content) => latest.current.onEdit?.(id, content) ?? false,
      remove: (id) => latest.current.onDelete?.(id) ?? false,
      react: (id, emoji, op) => latest.current.onReact?.(id, emoji, op) ?? false,
      reply: (m) => latest.current.onReply?.(m),
      togglePin: (id, pinned) => latest.current.onTogglePin?.(id, pinned),
      cancel: (id) => latest.current.onCancel?.(id) ?? false,
      jump: (id) => jumpRef.current(id),
      nameOf: (id) => latest.current.shown?.get(id) ?? latest.current.names.get(id) ?? t("list.someone"),
    }),
    [t],
  );

  const nameOf = (id: string, fallback?: string) => fallback ?? names.get(id) ?? t("list.unknown");
  /** The display name where the sender set one, with their username as the handle beside it. */
  const senderOf = (m: Message) => (m.sender_display ? { name: m.sender_display, handle: nameOf(m.sender, m.sender_name) } : { name: nameOf(m.sender, m.sender_name) });
  const quoteOf = (id: string | null | undefined): ReplyQuote | undefined => {
    if (!id) return undefined;
    const held = indexOf.get(id);
    const heldItem = held === undefined ? undefined : items[held];
    const parent = heldItem?.kind === "message" ? heldItem.message : quotes?.[id];
    if (!parent) return { id, missing: true };
    const snippet = parent.deleted ? t("message.deleted") : parent.blocked ? t("message.blocked") : formatText.summary(parent).slice(0, 120);
    return { id, senderName: senderOf(parent).name, snippet };
  };
  const canAct = !!(me && props.onEdit && props.onDelete && props.onReact && props.onReply);
  const lastPosition = (lastSeq ?? 0) + pending.length;
  const measure = virtualizer.measureElement;

  const renderItem = (item: ListItem, index: number) => {
    switch (item.kind) {
      case "day":
        return <DaySeparator key={item.key} index={index} measure={measure} iso={item.iso} />;
      case "divider":
        return (
          <li
            key={item.key}
            ref={measure}
            data-index={index}
            data-testid="new-messages-divider"
            {...{ [FIRST_UNREAD_ATTR]: "" }}
            className="flex items-center gap-3 px-4 pt-3 pb-1 text-[11px] font-semibold uppercase tracking-wide text-rose-600"
          >
            <span className="h-px flex-1 bg-rose-300" />
            {t("list.newMessages")}
            <span className="h-px flex-1 bg-rose-300" />
          </li>
        );
      case "seen-by":
        return (
          <li key={item.key} ref={measure} data-index={index} data-testid="seen-by" title={props.seenBy?.title} className="px-4 pt-1 text-right text-[11px] text-slate-600">
            {props.seenBy?.label}
          </li>
        );
      case "pending": {
        const p = item.pending;
        return (
          <MessageRow
            key={item.key}
            senderId={me?.id ?? "me"}
            senderName={(me && props.shown?.get(me.id)) || me?.username || t("list.you")}
            content={p.content}
            createdAt={p.createdAt}
            attachments={p.attachments}
            kind={p.kind}
            compact={false}
            state={p.state}
            reply={quoteOf(p.replyTo)}
            error={pendingReason(p)}
            retryAt={p.retryAt}
            onRetry={p.state === "failed" ? () => props.onRetry(p.id) : undefined}
            onDiscard={p.state === "failed" ? () => props.onDiscard(p.id) : undefined}
            listItem={{ ref: measure, index, posInSet: lastPosition - pending.length + pending.indexOf(p) + 1, setSize: lastPosition }}
          />
        );
      }
      case "message": {
        const m = item.message;
        const sender = senderOf(m);
        return (
          <MessageItem
            key={item.key}
            message={m}
            compact={item.compact}
            senderName={sender.name}
            senderHandle={sender.handle}
            quote={quoteOf(m.reply_to)}
            highlighted={highlight === m.id}
            pinned={pinnedIds?.has(m.id) ?? false}
            meId={me?.id}
            viewerName={me?.username}
            canAct={canAct}
            canPin={!!props.onTogglePin}
            canCancel={!!props.onCancel}
            canDeleteAny={!!canDeleteAny}
            assistant={props.assistant}
            handlers={handlers}
            // Seqs number a room's messages from 1 without gaps: a row's position in the whole room.
            listItem={{ ref: measure, index, posInSet: m.seq, setSize: lastPosition }}
          />
        );
      }
    }
  };

  const rendered = virtualizer.getVirtualItems();
  return (
    <div className="relative min-h-0 flex-1">
      {/* The room's log. Not live itself: the announcer below reads new messages out. */}
      <div
        ref={scroller}
        onScroll={onScroll}
        className="h-full overflow-y-auto [overflow-anchor:none]"
        data-testid="message-scroller"
        role="log"
        aria-label={t("list.label")}
        aria-live="off"
      >
        {!loaded ? (
          <p className="p-6 text-center text-sm text-slate-600">{t("list.loading")}</p>
        ) : (
          <div className="relative w-full" style={{ height: Math.max(totalSize, STATUS_PX + BOTTOM_PAD_PX) }}>
            <p className="absolute inset-x-0 top-0 flex items-center justify-center px-4 text-xs text-slate-600" style={{ height: STATUS_PX }} aria-hidden={!loadingOlder}>
              {loadingOlder ? t("list.loadingOlder") : hasOlder ? "" : messages.length ? t("list.beginning") : ""}
            </p>
            <ol
              className="absolute inset-x-0 top-0"
              style={{ transform: `translateY(${rendered[0]?.start ?? STATUS_PX}px)` }}
              aria-label={t("list.label")}
              data-testid="message-list"
              data-loaded-messages={messages.length}
            >
              {items.length === 0 && <li className="px-4 py-10 text-center text-sm text-slate-600">{t("list.empty")}</li>}
              {rendered.map((v) => {
                const item = items[v.index];
                return item ? renderItem(item, v.index) : null;
              })}
            </ol>
          </div>
        )}
      </div>
      {/* New messages from others, read out politely without moving focus (see `announced`). */}
      <div className="sr-only" aria-live="polite" aria-relevant="additions" data-testid="message-announcer">
        {announced.map((m) => (
          <p key={m.id}>{t("list.announce", { name: senderOf(m).name, text: formatText.summary(m).slice(0, 300) })}</p>
        ))}
      </div>
      {firstUnread.showJump && (
        <div className="absolute top-2 left-1/2 flex -translate-x-1/2 items-center overflow-hidden rounded-full bg-rose-600 text-xs font-semibold text-white shadow-lg">
          <button type="button" data-testid="jump-to-unread" onClick={firstUnread.jump} className="py-1 pr-2 pl-3 hover:bg-rose-500">
            {t("list.jumpToUnread")}
          </button>
          <button type="button" data-testid="jump-to-unread-dismiss" aria-label={t("list.dismiss")} onClick={firstUnread.dismiss} className="py-1 pr-3 pl-1 hover:bg-rose-500">
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
          {t("list.unseen", { count: unseen })}
        </button>
      )}
    </div>
  );
}

function DaySeparator({ iso, index, measure }: { iso: string; index: number; measure: (el: HTMLLIElement | null) => void }) {
  const formatText = useFormatText();
  return (
    <li ref={measure} data-index={index} className="flex items-center gap-3 px-4 pt-4 pb-1 text-[11px] font-medium text-slate-600" aria-hidden>
      <span className="h-px flex-1 bg-slate-200" />
      {formatText.day(iso)}
      <span className="h-px flex-1 bg-slate-200" />
    </li>
  );
}
