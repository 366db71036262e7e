"use client";
import { useLayoutEffect, useRef, useState } from "react";
import { MAX_CONTENT_CHARS } from "@/protocol";
import { useMentionAutocomplete, type MentionSource } from "./MentionAutocomplete";

/**
 * Message input: Enter sends, Shift+Enter inserts a newline (and IME composition is left
 * alone). Sending works offline too: the message waits in the outbox.
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
}: {
  roomName: string;
  onSend: (content: string) => void;
  /** Called with true on each keystroke that leaves text, false when the input is cleared or left. */
  onTyping?: (typing: boolean) => void;
  disabled?: boolean;
  /** Why the user may not post right now (muted…): the input is disabled and this is shown. */
  blockedReason?: string | null;
  /** The message being answered; shown above the input with a way to cancel. */
  replyTo?: { senderName: string; snippet: string } | null;
  onCancelReply?: () => void;
  /** Who `@` can complete to (room members); no autocomplete without it. */
  mentionSource?: MentionSource;
}) {
  const disabled = disabledProp || !!blockedReason;
  const [value, setValue] = useState("");
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

  // After a pick, the caret goes after the inserted mention.
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !ref.current) return;
    ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [value]);

  // Grow with the content up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [value]);

  function submit() {
    if (!trimmed || tooLong || disabled) return;
    onSend(trimmed);
    setValue("");
    ref.current?.focus();
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
      {replyTo && !blockedReason && (
        <div data-testid="composer-reply" className="mb-2 flex items-center gap-2 rounded-md border-l-2 border-indigo-400 bg-slate-50 px-3 py-1.5 text-xs text-slate-600">
          <span className="min-w-0 flex-1 truncate">
            Replying to <span className="font-semibold">{replyTo.senderName}</span>: {replyTo.snippet}
          </span>
          <button type="button" data-testid="composer-reply-cancel" onClick={onCancelReply} aria-label="Cancel reply" className="rounded px-1 text-slate-500 hover:bg-slate-200">
            ✕
          </button>
        </div>
      )}
      <div className="relative flex items-end gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 focus-within:border-indigo-500 focus-within:ring-1 focus-within:ring-indigo-500">
        {mention.listbox}
        <textarea
          ref={ref}
          {...mention.inputProps}
          data-testid="composer-input"
          value={value}
          rows={1}
          disabled={disabled}
          onChange={(e) => {
            setValue(e.target.value);
            setCaret(e.target.selectionStart);
            onTyping?.(e.target.value.trim().length > 0);
          }}
          onBlur={() => onTyping?.(false)}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={(e) => {
            if (mention.onKeyDown(e)) return;
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
            if (e.key === "Escape" && replyTo) onCancelReply?.();
          }}
          placeholder={`Message #${roomName}`}
          aria-label={`Message ${roomName}`}
          className="max-h-[200px] flex-1 resize-none bg-transparent text-sm leading-6 text-slate-900 placeholder:text-slate-400 focus:outline-none disabled:opacity-50"
        />
        <button
          type="submit"
          data-testid="composer-send"
          disabled={!trimmed || tooLong || disabled}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-40"
        >
          Send
        </button>
      </div>
      <div className="mt-1 flex justify-between text-[11px] text-slate-400">
        <span>
          <kbd className="font-sans">Enter</kbd> to send · <kbd className="font-sans">Shift+Enter</kbd> for a new line
        </span>
        {value.length > MAX_CONTENT_CHARS * 0.9 && (
          <span className={tooLong ? "font-medium text-rose-600" : ""}>
            {value.length}/{MAX_CONTENT_CHARS}
          </span>
        )}
      </div>
    </form>
  );
}
