"use client";
import { useFormatter, useTranslations } from "next-intl";
import { memo, useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { LinkPreview } from "@/components/message/LinkPreview";
import { EmojiPicker } from "@/components/message/EmojiPicker";
import { Markdown } from "@/components/message/Markdown";
import { Avatar } from "@/components/ui/Avatar";
import { normalizeEmoji } from "@/lib/emoji/shortcodes";
import { userHue } from "@/lib/format";
import type { Attachment, LinkPreview as Preview, MessageKind, Reaction, SystemMeta } from "@/protocol";
import { Attachments } from "@/components/files/Attachments";
import { mentionRowClass } from "./MentionText";
import { StreamingCaret } from "./Assistant";
import { MessageActionsMenu, prefersSheet, reactionLabel, useCoarsePointer, useLongPress, type MenuItem } from "./MessageActions";
import { describeSystemLine } from "./system-line";

/** One-click reactions in the hover bar. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉"] as const;
/** The small picker behind "+": a handful of common emoji. */
export const PICKER_REACTIONS = ["👍", "👎", "❤️", "😂", "😮", "😢", "🎉", "🙏", "👀", "🔥", "✅", "🚀"] as const;

/** What the viewer may do to a stored message; absent for pending rows and previews. */
export interface MessageActions {
  meId: string;
  canEdit: boolean;
  canDelete: boolean;
  onEdit: (content: string) => boolean;
  onDelete: () => boolean;
  onReact: (emoji: string, op: "add" | "remove") => boolean;
  onReply: () => void;
  /** Moderators and above: pin or unpin (`pinned` says which). */
  onTogglePin?: () => void;
  /** A link that opens the room at this message ("Copy link"). */
  link?: string;
  /** What to call a reactor in the reaction tooltip. */
  nameOf?: (userId: string) => string;
}

/** Where a row sits in the virtualized list: measured through `ref`, announced by position. */
export interface ListItemAttrs {
  ref: (el: HTMLLIElement | null) => void;
  index: number;
  posInSet?: number;
  setSize?: number;
}

/** `withRef: false` when the row also needs the element itself and merges the ref (ChatRow). */
const listItemAttrs = (item: ListItemAttrs | undefined, withRef = true) =>
  item ? { ...(withRef ? { ref: item.ref } : {}), "data-index": item.index, "aria-posinset": item.posInSet, "aria-setsize": item.setSize } : {};

/** The parent of a reply, as shown in the quote above it. */
export type ReplyQuote = { id: string; senderName: string; snippet: string } | { id: string; missing: true };

export interface MessageRowProps {
  /** `system`: a room event (join, kick, rename…), shown as one quiet line without actions. */
  kind?: MessageKind;
  /** For system lines: the event recorded in the message's meta. */
  event?: string;
  /** For system lines: the event's fields, worded in the reader's language (else `content` is shown). */
  system?: SystemMeta;
  senderId: string;
  senderName: string;
  /** The sender's username, shown muted beside senderName when that is a display name. */
  senderHandle?: string;
  content: string;
  createdAt: string;
  /** Omits avatar and name when the previous row is the same sender a moment earlier. */
  compact: boolean;
  state: "sent" | "sending" | "failed";
  edited?: boolean;
  deleted?: boolean;
  blocked?: boolean;
  reactions?: readonly Reaction[];
  error?: string;
  /** A pending message the server asked to wait: resent automatically at this time. */
  retryAt?: number;
  seq?: number;
  messageId?: string;
  reply?: ReplyQuote;
  /** Briefly true after a jump to this message. */
  highlighted?: boolean;
  /** Pinned to the room's header. */
  pinned?: boolean;
  onJump?: (id: string) => void;
  actions?: MessageActions;
  onRetry?: () => void;
  onDiscard?: () => void;
  /** The server's preview of the first link; `onRemovePreview` only for the sender. */
  preview?: Preview;
  onRemovePreview?: () => Promise<void>;
  /** The server resolved this message as mentioning the viewer: the row is highlighted. */
  mentionsMe?: boolean;
  /** The viewer's username, so their own `@name` tokens stand out. */
  viewerName?: string;
  /** The assistant is still writing this message: a caret follows its text. */
  streaming?: boolean;
  /** Shown under the content (the assistant's reply status). */
  footer?: ReactNode;
  /** Uploaded files (components/files/Attachments.tsx). */
  attachments?: readonly Attachment[];
  /** Set by the virtualized MessageList. */
  listItem?: ListItemAttrs;
}

/** One message. Content is sanitized markdown (components/message/Markdown.tsx); never raw HTML. */
export const MessageRow = memo(function MessageRow(props: MessageRowProps) {
  return props.kind === "system" ? <SystemLine {...props} /> : <ChatRow {...props} />;
});

/**
 * A room event, as the server worded it: one centred grey line, no avatar, actions or
 * reactions. The time shows on hover and stays in the accessible text.
 */
function SystemLine({ messageId, seq, content, createdAt, event, system, highlighted, listItem }: MessageRowProps) {
  const t = useTranslations("room");
  const format = useFormatter();
  const at = new Date(createdAt);
  return (
    <li
      {...listItemAttrs(listItem)}
      id={messageId ? `message-${messageId}` : undefined}
      data-testid="system-message"
      data-seq={seq}
      data-message-id={messageId}
      data-event={event}
      className={`group px-4 py-1 text-center text-xs leading-5 text-slate-600 transition-colors duration-700 ${highlighted ? "bg-amber-100" : ""}`}
    >
      <span data-testid="system-message-content" title={format.dateTime(at, "full")} className="break-words">
        {system ? describeSystemLine(system, t) : content}
      </span>
      <time dateTime={createdAt} className="ml-2 text-[10px] text-slate-600 opacity-0 group-hover:opacity-100">
        {format.dateTime(at, "time")}
      </time>
    </li>
  );
}

function ChatRow(props: MessageRowProps) {
  const { senderId, senderName, content, createdAt, compact, state, actions, reply } = props;
  const t = useTranslations("room");
  const format = useFormatter();
  const at = new Date(createdAt);
  const [editing, setEditing] = useState(false);
  const [picking, setPicking] = useState(false);
  /** "more…" in the small reaction picker: the full emoji picker instead. */
  const [pickingAll, setPickingAll] = useState(false);
  const interactive = state === "sent" && !props.deleted && !props.blocked && actions;
  const showHeader = !compact || !!reply;
  const row = useRef<HTMLLIElement | null>(null);
  // The row is both focused (keyboard, menu) and measured by the virtualized list.
  const measure = props.listItem?.ref;
  const rowRef = useCallback(
    (el: HTMLLIElement | null) => {
      row.current = el;
      measure?.(el);
    },
    [measure],
  );
  const coarse = useCoarsePointer();
  /** The actions menu (keyboard, "⋯", long-press); `sheet` on phones. */
  const [menu, setMenu] = useState<{ sheet: boolean } | null>(null);
  const longPress = useLongPress(() => setMenu({ sheet: prefersSheet() }), !!interactive && !editing);
  const closeMenu = (restoreFocus: boolean) => {
    setMenu(null);
    if (restoreFocus) row.current?.focus();
  };
  const endEdit = () => {
    setEditing(false);
    row.current?.focus();
  };

  const react = (emoji: string) => {
    if (!actions) return;
    const mine = props.reactions?.some((r) => r.emoji === emoji && r.users.includes(actions.meId)) ?? false;
    actions.onReact(emoji, mine ? "remove" : "add");
  };

  return (
    <li
      ref={rowRef}
      {...longPress}
      {...listItemAttrs(props.listItem, false)}
      id={props.messageId ? `message-${props.messageId}` : undefined}
      data-testid="message"
      data-state={state}
      data-seq={props.seq}
      data-message-id={props.messageId}
      data-highlighted={props.highlighted ? "true" : undefined}
      data-mentioned={props.mentionsMe ? "true" : undefined}
      className={`group relative flex gap-3 px-4 transition-colors duration-700 ${mentionRowClass(props.mentionsMe)} ${props.highlighted ? "bg-amber-100" : "hover:bg-slate-50"} ${showHeader ? "pt-3 pb-0.5" : "py-0.5"} ${state === "sending" ? "opacity-60" : ""} focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-inset`}
    >
      <div className="relative w-9 shrink-0">
        {showHeader && <Avatar id={senderId} name={senderName} />}
        {!showHeader && (
          <time dateTime={createdAt} title={format.dateTime(at, "full")} className="invisible absolute top-0.5 right-0 text-[10px] leading-5 whitespace-nowrap text-slate-600 group-hover:visible group-focus:visible">
            {format.dateTime(at, "time")}
          </time>
        )}
      </div>
      <div className="min-w-0 flex-1">
        {reply && (
          <button
            type="button"
            data-testid="reply-quote"
            data-reply-to={reply.id}
            onClick={() => props.onJump?.(reply.id)}
            className="mb-0.5 flex max-w-full items-center gap-1 truncate border-l-2 border-slate-300 pl-2 text-left text-xs text-slate-600 hover:border-indigo-400 hover:text-slate-700"
          >
            {"missing" in reply ? (
              <span className="italic">{t("message.replyToEarlier")}</span>
            ) : (
              <>
                <span data-testid="reply-quote-sender" className="font-semibold">
                  {reply.senderName}
                </span>
                <span data-testid="reply-quote-text" className="truncate">
                  {reply.snippet}
                </span>
              </>
            )}
          </button>
        )}
        {showHeader && (
          <div className="flex items-baseline gap-2">
            <span
              data-testid="message-sender"
              title={props.senderHandle ? `@${props.senderHandle}` : undefined}
              className="sender-name text-sm font-semibold"
              style={{ "--user-hue": userHue(senderId) } as React.CSSProperties}
            >
              {senderName}
            </span>
            {props.senderHandle && (
              <span data-testid="message-sender-handle" className="text-[11px] text-slate-600">
                @{props.senderHandle}
              </span>
            )}
            <time dateTime={createdAt} title={format.dateTime(at, "full")} className="text-[11px] text-slate-600">
              {format.dateTime(at, "time")}
            </time>
          </div>
        )}
        {props.deleted ? (
          <p data-testid="message-content" className="text-sm italic text-slate-600">
            {t("message.deleted")}
          </p>
        ) : props.blocked ? (
          <p data-testid="message-content" className="text-sm italic text-slate-600">
            {t("message.blocked")}
          </p>
        ) : editing && actions ? (
          <EditBox
            initial={content}
            onCancel={endEdit}
            onSave={(next) => {
              if (next === content || actions.onEdit(next)) endEdit();
            }}
          />
        ) : (
          <div data-testid="message-content" aria-busy={props.streaming || undefined} className="md break-words text-sm leading-6 text-slate-800">
            <Markdown content={content} viewerName={props.viewerName} mentionsMe={props.mentionsMe} />
            {props.streaming && <StreamingCaret />}
          </div>
        )}
        {props.attachments?.length && !props.deleted && !props.blocked ? <Attachments attachments={props.attachments} kind={props.kind} /> : null}
        {props.preview && !props.deleted && !props.blocked && !editing && <LinkPreview preview={props.preview} onRemove={props.onRemovePreview} />}
        {props.pinned && !props.deleted && (
          <span data-testid="message-pinned" className="text-[10px] text-amber-700">
            {t("message.pinned")}
          </span>
        )}
        {props.footer}
        {props.edited && !props.deleted && !props.blocked && !editing && (
          <span data-testid="message-edited" className="text-[10px] text-slate-600">
            {t("message.edited")}
          </span>
        )}
        {state === "sending" && props.retryAt === undefined && (
          <span data-testid="message-pending" className="text-[11px] italic text-slate-600">
            {t("message.sending")}
          </span>
        )}
        {state === "sending" && props.retryAt !== undefined && <RetryCountdown at={props.retryAt} reason={props.error} />}
        {state === "failed" && (
          <div data-testid="message-failed" className="flex flex-wrap items-center gap-2 text-[11px] text-rose-700">
            <span>{props.error ? t("message.notSent", { error: props.error }) : t("message.refused")}</span>
            {props.onRetry && (
              <button type="button" onClick={props.onRetry} className="font-semibold underline hover:text-rose-900">
                {t("message.retry")}
              </button>
            )}
            {props.onDiscard && (
              <button type="button" onClick={props.onDiscard} className="font-semibold underline hover:text-rose-900">
                {t("message.discard")}
              </button>
            )}
          </div>
        )}
        {interactive && props.reactions && props.reactions.length > 0 && (
          <div className="mt-1 flex flex-wrap gap-1" data-testid="reactions">
            {props.reactions.map((r) => {
              const mine = r.users.includes(actions.meId);
              const who = [...(mine ? [t("reactions.youWord")] : []), ...r.users.filter((u) => u !== actions.meId).map((u) => actions.nameOf?.(u) ?? t("list.someone"))];
              const label = reactionLabel(t, who, r.count, r.emoji, mine);
              return (
                <button
                  key={r.emoji}
                  type="button"
                  data-testid="reaction"
                  data-emoji={r.emoji}
                  data-mine={mine ? "true" : "false"}
                  aria-pressed={mine}
                  title={label}
                  aria-label={mine ? t("reactions.removeYours", { label }) : t("reactions.reactToo", { label })}
                  onClick={() => actions.onReact(r.emoji, mine ? "remove" : "add")}
                  className={`rounded-full border px-1.5 py-0.5 text-xs ${mine ? "border-indigo-400 bg-indigo-100 font-semibold text-indigo-800" : "border-slate-200 bg-white text-slate-700 hover:border-slate-300"}`}
                >
                  {r.emoji} {r.count}
                </button>
              );
            })}
          </div>
        )}
      </div>
      {interactive && !editing && (
        <div
          className={`absolute -top-3 right-4 items-center gap-0.5 rounded-md border border-slate-200 bg-white px-1 py-0.5 shadow-sm ${picking ? "flex" : coarse ? "hidden" : "hidden group-hover:flex group-focus-within:flex"}`}
        >
          {QUICK_REACTIONS.map((emoji) => (
            <button key={emoji} type="button" aria-label={t("actions.react", { emoji })} onClick={() => react(emoji)} className="rounded px-1 text-sm hover:bg-slate-100">
              {emoji}
            </button>
          ))}
          <span className="relative">
            <button
              type="button"
              data-testid="reaction-picker-open"
              aria-label={t("actions.moreReactions")}
              aria-expanded={picking}
              onClick={() => setPicking((v) => !v)}
              className="rounded px-1 text-sm text-slate-600 hover:bg-slate-100"
            >
              +
            </button>
            {picking && pickingAll && (
              <EmojiPicker
                testId="reaction-full-picker"
                className="absolute top-6 right-0"
                onClose={() => {
                  setPickingAll(false);
                  setPicking(false);
                }}
                onPick={(emoji) => {
                  react(normalizeEmoji(emoji));
                  setPickingAll(false);
                  setPicking(false);
                }}
              />
            )}
            {picking && !pickingAll && (
              <span data-testid="reaction-picker" role="menu" className="absolute top-6 right-0 z-20 grid w-40 grid-cols-6 gap-0.5 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
                {PICKER_REACTIONS.map((emoji) => (
                  <button
                    key={emoji}
                    type="button"
                    role="menuitem"
                    aria-label={t("actions.react", { emoji })}
                    onClick={() => {
                      react(emoji);
                      setPicking(false);
                    }}
                    className="rounded p-0.5 text-base hover:bg-slate-100"
                  >
                    {emoji}
                  </button>
                ))}
                <button type="button" role="menuitem" data-testid="reaction-picker-more" onClick={() => setPickingAll(true)} className="col-span-6 rounded py-0.5 text-xs text-slate-600 hover:bg-slate-100">
                  {t("actions.morePicker")}
                </button>
              </span>
            )}
          </span>
          <button type="button" data-testid="message-reply" onClick={actions.onReply} className="rounded px-1.5 text-xs text-slate-600 hover:bg-slate-100">
            {t("actions.reply")}
          </button>
          {actions.onTogglePin && (
            <button type="button" data-testid="message-pin" onClick={actions.onTogglePin} className="rounded px-1.5 text-xs text-slate-600 hover:bg-slate-100">
              {props.pinned ? t("actions.unpin") : t("actions.pin")}
            </button>
          )}
          {actions.canEdit && (
            <button type="button" data-testid="message-edit" onClick={() => setEditing(true)} className="rounded px-1.5 text-xs text-slate-600 hover:bg-slate-100">
              {t("actions.edit")}
            </button>
          )}
          {actions.canDelete && (
            <button
              type="button"
              data-testid="message-delete"
              onClick={() => {
                if (window.confirm(t("actions.confirmDelete"))) actions.onDelete();
              }}
              className="rounded px-1.5 text-xs text-rose-600 hover:bg-rose-50"
            >
              {t("actions.delete")}
            </button>
          )}
          {!coarse && <MoreButton open={!!menu} onClick={() => setMenu((m) => (m ? null : { sheet: prefersSheet() }))} />}
        </div>
      )}
      {interactive && !editing && coarse && (
        <div className="absolute top-1 right-2">
          <MoreButton open={!!menu} onClick={() => setMenu((m) => (m ? null : { sheet: prefersSheet() }))} />
        </div>
      )}
      {interactive && menu && (
        <RowMenu
          sheet={menu.sheet}
          actions={actions}
          content={content}
          pinned={!!props.pinned}
          close={closeMenu}
          react={react}
          startEdit={() => setEditing(true)}
          morePicker={() => {
            setPicking(true);
            requestAnimationFrame(() => row.current?.querySelector<HTMLElement>('[data-testid="reaction-picker"] [role="menuitem"]')?.focus());
          }}
        />
      )}
    </li>
  );
}

function EditBox({ initial, onSave, onCancel }: { initial: string; onSave: (content: string) => void; onCancel: () => void }) {
  const t = useTranslations("room.message");
  const [value, setValue] = useState(initial);
  return (
    <div className="mt-1">
      <textarea
        data-testid="message-edit-input"
        value={value}
        autoFocus
        rows={Math.min(6, value.split("\n").length)}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            if (value.trim()) onSave(value.trim());
          }
        }}
        className="block w-full resize-none rounded-md border border-indigo-300 px-2 py-1 text-sm focus:outline-none focus:ring-1 focus:ring-indigo-500"
      />
      <p className="mt-0.5 text-[11px] text-slate-600">{t("editHint")}</p>
    </div>
  );
}

/** "Sending again in 4 s": the server asked this message to wait (rate limit, slow mode, storage down). */
function RetryCountdown({ at, reason }: { at: number; reason?: string }) {
  const t = useTranslations("room.message");
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  return (
    <span data-testid="message-waiting" className="text-[11px] italic text-amber-700">
      {reason ? `${reason} ` : ""}
      {seconds > 0 ? t("sendingAgain", { seconds }) : t("sendingAgainNow")}
    </span>
  );
}

/** "⋯": opens the message's actions menu (always shown on touch screens, on hover or focus elsewhere). */
function MoreButton({ open, onClick }: { open: boolean; onClick: () => void }) {
  const t = useTranslations("room.actions");
  return (
    <button
      type="button"
      data-testid="message-more"
      aria-label={t("menu")}
      aria-haspopup="menu"
      aria-expanded={open}
      onClick={onClick}
      className="rounded px-1.5 text-sm leading-5 text-slate-600 hover:bg-slate-100"
    >
      ⋯
    </button>
  );
}

/** The actions menu of one message: what the hover bar offers, under the same permissions. */
function RowMenu({
  sheet,
  actions,
  content,
  pinned,
  close,
  react,
  startEdit,
  morePicker,
}: {
  sheet: boolean;
  actions: MessageActions;
  content: string;
  pinned: boolean;
  close: (restoreFocus: boolean) => void;
  react: (emoji: string) => void;
  startEdit: () => void;
  morePicker: () => void;
}) {
  const t = useTranslations("room.actions");
  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).catch(() => undefined);
    close(true);
  };
  const reactions: MenuItem[] = QUICK_REACTIONS.map((emoji) => ({
    key: emoji,
    label: t("react", { emoji }),
    glyph: emoji,
    onSelect: () => {
      react(emoji);
      close(true);
    },
  }));
  const items: MenuItem[] = [
    { key: "more", label: t("moreReactionsMenu"), testId: "menu-more-reactions", onSelect: () => (close(false), morePicker()) },
    { key: "reply", label: t("reply"), testId: "menu-reply", onSelect: () => (close(false), actions.onReply()) },
  ];
  if (actions.onTogglePin) items.push({ key: "pin", label: pinned ? t("unpin") : t("pin"), testId: "menu-pin", onSelect: () => (actions.onTogglePin?.(), close(true)) });
  if (actions.canEdit) items.push({ key: "edit", label: t("edit"), testId: "menu-edit", onSelect: () => (close(false), startEdit()) });
  items.push({ key: "copy-text", label: t("copyText"), testId: "menu-copy-text", onSelect: () => copy(content) });
  const link = actions.link;
  if (link) items.push({ key: "copy-link", label: t("copyLink"), testId: "menu-copy-link", onSelect: () => copy(new URL(link, window.location.origin).href) });
  if (actions.canDelete) {
    items.push({
      key: "delete",
      label: t("delete"),
      testId: "menu-delete",
      danger: true,
      onSelect: () => {
        const confirmed = window.confirm(t("confirmDelete"));
        close(true);
        if (confirmed) actions.onDelete();
      },
    });
  }
  return <MessageActionsMenu sheet={sheet} onClose={close} reactions={reactions} items={items} />;
}
