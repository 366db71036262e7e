"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { ComposerEmojiButton, EditingBanner } from "@/components/message/ComposerExtras";
import { useDraft } from "@/hooks/useDraft";
import { useShortcodes } from "@/hooks/useShortcodes";
import { convertShortcodeAtCaret, insertAt } from "@/lib/emoji/shortcodes";
import type { ComposerFiles } from "@/components/files/RoomFiles";
import { MAX_CONTENT_CHARS, type Attachment } from "@/protocol";
import { useMentionAutocomplete, type MentionSource } from "./MentionAutocomplete";
import { SendWait, type SendWaitInfo } from "./SendWait";

/**
 * Message input: Enter sends, Shift+Enter inserts a newline (and IME composition is left
 * alone). Sending works offline too: the message waits in the outbox. The text is a draft per
 * user and room (lib/drafts.ts); `:shortcode:` turns into its emoji as it is typed; Up in an
 * empty composer edits the user's last message here, Escape cancels an edit or a reply.
 */
export function Composer({
  roomName,
  onSend,
  onTyping,
  disabled: disabledProp,
  blockedReason,
  replyTo,
  onCancelReply,
  mentionSource,
  draft,
  onEditLast,
  onEditSave,
  files,
  wait,
}: {
  roomName: string;
  onSend: (content: string, attachments?: readonly Attachment[]) => void;
  /** Called with true on each keystroke that leaves text, false when the input is cleared or left. */
  onTyping?: (typing: boolean) => void;
  disabled?: boolean;
  /** Why the user may not post right now (muted…): the input is disabled and this is shown. */
  blockedReason?: string | null;
  /** The message being answered; shown above the input with a way to cancel. Starting a reply focuses the input. */
  replyTo?: { id?: string; senderName: string; snippet: string } | null;
  onCancelReply?: () => void;
  /** Who `@` can complete to (room members); no autocomplete without it. */
  mentionSource?: MentionSource;
  /** Whose draft for which room the text is kept as. */
  draft?: { user: string; room: string };
  /** The user's last editable message, for Up in an empty composer. */
  onEditLast?: () => { id: string; content: string } | null;
  /** Saves an edit; false when it could not be sent (the edit stays open). */
  onEditSave?: (id: string, content: string) => boolean;
  /** Attachments: tray, buttons and paste (components/files/RoomFiles.tsx); none without it. */
  files?: ComposerFiles;
  /** The server asked a message to wait (slow mode, rate limit): a countdown says until when. */
  wait?: SendWaitInfo | null;
}) {
  const t = useTranslations("room.composer");
  const format = useFormatter();
  const disabled = disabledProp || !!blockedReason;
  const [draftText, setDraftText] = useDraft(draft?.user, draft?.room);
  // While editing, the input holds the message being edited and the draft is left untouched.
  const [editState, setEditing] = useState<{ room?: string; id: string; original: string; text: string } | null>(null);
  // An edit belongs to the room it was started in.
  const editing = editState && editState.room === draft?.room ? editState : null;
  const value = editing ? editing.text : draftText;
  const setValue = (text: string) => (editing ? setEditing({ ...editing, text }) : setDraftText(text));
  const shortcodes = useShortcodes();
  const ref = useRef<HTMLTextAreaElement>(null);
  const trimmed = value.trim();
  const tooLong = value.length > MAX_CONTENT_CHARS;
  const [caret, setCaret] = useState(0);
  const pendingCaret = useRef<number | null>(null);
  const mention = useMentionAutocomplete(mentionSource, value, caret, (next) => {
    setValue(next.value);
    setCaret(next.caret);
    pendingCaret.current = next.caret;
  });

  // After a mention pick, a `:shortcode:` conversion or an inserted emoji, the caret goes right after it.
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !ref.current) return;
    ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [value]);

  // Ready to type when a room opens, except on touch screens where focus raises the keyboard over
  // the room, and never taken from a dialog or a field the user went to while the room loaded.
  useEffect(() => {
    const active = document.activeElement;
    const elsewhere = active instanceof HTMLElement && !!active.closest('[aria-modal="true"], input, textarea, select, [contenteditable="true"]');
    if (!elsewhere && !window.matchMedia("(pointer: coarse)").matches) ref.current?.focus();
  }, [draft?.room]);
  const replyId = replyTo ? (replyTo.id ?? replyTo.snippet) : null;
  useEffect(() => {
    if (replyId !== null) ref.current?.focus();
  }, [replyId]);

  // Grow with the content up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [value]);

  const attached = editing ? [] : (files?.ready ?? []);
  const canSend = (!!trimmed || attached.length > 0) && !tooLong && !disabled && !(files?.busy && !editing);

  function submit() {
    if (!canSend) return;
    if (editing) {
      if (trimmed === editing.original || onEditSave?.(editing.id, trimmed)) setEditing(null);
    } else {
      onSend(trimmed, attached);
      if (attached.length) files?.clear();
      setDraftText("");
    }
    ref.current?.focus();
  }

  function insertEmoji(emoji: string) {
    const el = ref.current;
    const next = insertAt(value, el?.selectionStart ?? value.length, el?.selectionEnd ?? value.length, emoji);
    pendingCaret.current = next.caret;
    setValue(next.value);
    setCaret(next.caret);
    el?.focus();
  }

  return (
    <form
      className="border-t border-slate-200 bg-white px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {blockedReason && (
        <p role="status" data-testid="composer-blocked" className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {blockedReason}
        </p>
      )}
      {wait && !blockedReason && <SendWait wait={wait} />}
      {editing && !blockedReason && <EditingBanner onCancel={() => setEditing(null)} />}
      {replyTo && !blockedReason && !editing && (
        <div data-testid="composer-reply" className="mb-2 flex items-center gap-2 rounded-md border-l-2 border-indigo-400 bg-slate-50 px-3 py-1.5 text-xs text-slate-600">
          <span className="min-w-0 flex-1 truncate">
            {t.rich("replyingTo", { name: replyTo.senderName, snippet: replyTo.snippet, b: (chunks) => <span className="font-semibold">{chunks}</span> })}
          </span>
          <button type="button" data-testid="composer-reply-cancel" onClick={onCancelReply} aria-label={t("cancelReply")} className="rounded px-1 text-slate-600 hover:bg-slate-200">
            ✕
          </button>
        </div>
      )}
      {!blockedReason && files?.tray}
      <div className="relative flex items-end gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 focus-within:border-indigo-500 focus-within:ring-1 focus-within:ring-indigo-500">
        {mention.listbox}
        <textarea
          ref={ref}
          {...mention.inputProps}
          data-testid="composer-input"
          id="message-composer"
          value={value}
          rows={1}
          disabled={disabled}
          onChange={(e) => {
            const converted = shortcodes && convertShortcodeAtCaret(e.target.value, e.target.selectionStart, shortcodes);
            if (converted) pendingCaret.current = converted.caret;
            setValue(converted ? converted.value : e.target.value);
            setCaret(converted ? converted.caret : e.target.selectionStart);
            if (!editing) onTyping?.(e.target.value.trim().length > 0);
          }}
          onBlur={() => onTyping?.(false)}
          onPaste={editing || disabled ? undefined : files?.onPaste}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={(e) => {
            if (mention.onKeyDown(e)) return;
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
            if (e.key === "Escape" && editing) setEditing(null);
            else if (e.key === "Escape" && replyTo) onCancelReply?.();
            if (e.key === "ArrowUp" && value === "" && !editing && !e.shiftKey && !e.altKey && !e.metaKey && !e.ctrlKey) {
              const last = onEditLast?.();
              if (last) {
                e.preventDefault();
                pendingCaret.current = last.content.length;
                setEditing({ room: draft?.room, id: last.id, original: last.content, text: last.content });
              }
            }
          }}
          placeholder={t("placeholder", { room: roomName })}
          aria-label={t("label", { room: roomName })}
          className="max-h-[200px] flex-1 resize-none bg-transparent text-sm leading-6 text-slate-900 placeholder:text-slate-500 focus:outline-none disabled:opacity-50"
        />
        {!disabled && !editing && files?.buttons}
        <ComposerEmojiButton onPick={insertEmoji} disabled={disabled} />
        <button
          type="submit"
          data-testid="composer-send"
          disabled={!canSend}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-40"
        >
          {editing ? t("save") : t("send")}
        </button>
      </div>
      <div className="mt-1 flex justify-between text-[11px] text-slate-600">
        <span>{t.rich("hint", { kbd: (chunks) => <kbd className="font-sans">{chunks}</kbd> })}</span>
        {value.length > MAX_CONTENT_CHARS * 0.9 && (
          <span className={tooLong ? "font-medium text-rose-600" : ""}>
            {format.number(value.length, { useGrouping: false })}/{format.number(MAX_CONTENT_CHARS, { useGrouping: false })}
          </span>
        )}
      </div>
    </form>
  );
}
