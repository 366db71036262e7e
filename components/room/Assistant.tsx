"use client";
/**
 * The assistant in a room (docs/ai.md): its streaming replies' caret, Stop button, status and
 * details, and the notice that says whether it answers here and how to turn it on.
 */
import { useFormatter, useTranslations } from "next-intl";
import type { Message } from "@/protocol";
import type { Formatter, RoomTranslator } from "./i18n";

/** What GET /api/me says about the assistant. */
export type AssistantInfo = { enabled: false } | { enabled: true; name: string; user: string };

/** A blinking caret after the text of a reply that is still being written. */
export function StreamingCaret() {
  return <span data-testid="streaming-caret" aria-hidden="true" className="ml-0.5 inline-block h-4 w-[2px] translate-y-0.5 animate-pulse bg-slate-600 motion-reduce:animate-none" />;
}

type ReplyMeta = { model?: unknown; ttft_ms?: unknown; duration_ms?: unknown; tokens?: unknown; finish?: unknown; note?: unknown; requester?: unknown };

const metaOf = (message: Message): ReplyMeta => (message.meta ?? {}) as ReplyMeta;
const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const str = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/**
 * Whether a message is one of the assistant's replies: its sender is the assistant. A person's
 * message may carry any `meta`, so meta never makes a message look like a reply; `streaming`
 * is set by the server for the assistant's rows only (for clients that have not read
 * GET /api/me yet).
 */
export function isAssistantReply(message: Message, info: AssistantInfo | undefined): boolean {
  return info?.enabled ? message.sender === info.user : message.streaming === true;
}

/** "model · first token 420 ms · 3.1 s · 128 tokens": the reply's hover detail. */
export function replyDetail(message: Message, t: RoomTranslator, format: Formatter): string {
  const meta = metaOf(message);
  const parts: string[] = [];
  // Ungrouped: a detail line of measurements, not amounts ("1420 ms").
  const plain = (n: number, digits = 0) => format.number(n, { useGrouping: false, minimumFractionDigits: digits, maximumFractionDigits: digits });
  const model = str(meta.model);
  if (model) parts.push(t("assistant.model", { model }));
  const ttft = num(meta.ttft_ms);
  if (ttft !== undefined) parts.push(t("assistant.firstToken", { ms: plain(Math.round(ttft)) }));
  const duration = num(meta.duration_ms);
  if (duration !== undefined) parts.push(t("assistant.writtenIn", { seconds: plain(duration / 1000, 1) }));
  const tokens = num(meta.tokens);
  if (tokens !== undefined) parts.push(t("assistant.tokens", { tokens: plain(tokens) }));
  return parts.join(" · ") || t("assistant.byAssistant");
}

/**
 * Under an assistant reply: while it streams, a Stop button for whoever may stop it; once it
 * ended, why it ended when that was not a normal stop; and always the details on hover/focus.
 */
export function AssistantReplyStatus({ message, canStop, onStop }: { message: Message; canStop: boolean; onStop?: () => void }) {
  const t = useTranslations("room");
  const format = useFormatter();
  const meta = metaOf(message);
  const finish = str(meta.finish);
  const note = str(meta.note);
  const detail = replyDetail(message, t, format);
  return (
    <div className="mt-0.5 flex flex-wrap items-center gap-2 text-[11px]" data-testid="assistant-reply-status" data-finish={finish ?? (message.streaming ? "streaming" : undefined)}>
      {message.streaming && (
        <span className="italic text-slate-600" data-testid="assistant-writing">
          {t("assistant.writing")}
        </span>
      )}
      {message.streaming && canStop && onStop && (
        <button
          type="button"
          data-testid="assistant-stop"
          onClick={onStop}
          className="rounded border border-slate-300 bg-white px-1.5 py-0.5 font-semibold text-slate-700 hover:border-rose-300 hover:text-rose-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          {t("assistant.stop")}
        </button>
      )}
      {finish === "cancelled" && (
        <span data-testid="assistant-stopped" className="italic text-slate-600">
          {note ?? t("assistant.stopped")}
        </span>
      )}
      {finish === "error" && (
        <span data-testid="assistant-failed" role="status" className="font-medium text-rose-700">
          {note ? t("assistant.failedNote", { note }) : t("assistant.failed")}
        </span>
      )}
      {finish === "length" && <span className="italic text-slate-600">{t("assistant.lengthLimit")}</span>}
      {!message.streaming && (
        <span
          data-testid="assistant-detail"
          tabIndex={0}
          title={detail}
          aria-label={detail}
          className="cursor-help rounded px-1 text-slate-600 hover:text-slate-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          {str(meta.model) ?? t("assistant.details")}
        </span>
      )}
    </div>
  );
}

/**
 * Whether the assistant answers in this room, and how to get it when it does not: shown with
 * the member list. `roomEnabled` is the room's `assistant` setting (absent means on).
 */
export function AssistantNotice({ info, roomEnabled, canConfigure }: { info: AssistantInfo | undefined; roomEnabled: boolean; canConfigure: boolean }) {
  const t = useTranslations("room.assistant");
  if (!info) return null;
  const code = (chunks: React.ReactNode) => <code>{chunks}</code>;
  if (!info.enabled) {
    return (
      <div data-testid="assistant-notice" data-state="off" className="mt-4 rounded border border-slate-200 bg-white px-2 py-2 text-xs text-slate-600">
        <p className="font-semibold text-slate-700">{t("offTitle")}</p>
        <p className="mt-1">{t.rich("offBody", { code })}</p>
      </div>
    );
  }
  if (!roomEnabled) {
    return (
      <div data-testid="assistant-notice" data-state="room-off" className="mt-4 rounded border border-slate-200 bg-white px-2 py-2 text-xs text-slate-600">
        <p className="font-semibold text-slate-700">{t("roomOffTitle")}</p>
        <p className="mt-1">{canConfigure ? t("roomOffConfigure") : t("roomOffAsk")}</p>
      </div>
    );
  }
  return (
    <div data-testid="assistant-notice" data-state="on" className="mt-4 rounded border border-slate-200 bg-white px-2 py-2 text-xs text-slate-600">
      <p className="font-semibold text-slate-700">{t("onTitle")}</p>
      <p className="mt-1">{t.rich("onBody", { name: info.name, code })}</p>
    </div>
  );
}
