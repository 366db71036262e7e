"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useFormatText } from "@/hooks/useFormatText";
import { messageHref } from "@/lib/highlight";
import type { Pin } from "@/protocol/rest";

/**
 * The room header's pinned list: a "📌 n" button and, open, the pinned messages newest pin
 * first; clicking one shows it in the room, moderators may unpin from here.
 */
export function PinnedMessages({
  roomId,
  pins,
  error,
  canPin,
  onUnpin,
}: {
  roomId: string;
  pins: readonly Pin[];
  error: unknown;
  canPin: boolean;
  onUnpin: (message: string) => void;
}) {
  const t = useTranslations("room");
  const formatText = useFormatText();
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  return (
    <div className="relative">
      <button
        type="button"
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        aria-label={t("pins.toggle", { count: pins.length })}
        data-testid="pins-toggle"
        data-count={pins.length}
        className="rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100"
      >
        📌 {pins.length}
      </button>
      {open && (
        <div data-testid="pinned-list" className="absolute top-8 right-0 z-30 w-80 rounded-md border border-slate-200 bg-white shadow-xl">
          <h2 className="border-b border-slate-100 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("pins.heading")}</h2>
          {error ? (
            <p role="alert" className="px-3 py-2 text-xs text-rose-700">
              {errorMessage(error, t("pins.loadFailed"))}
            </p>
          ) : null}
          {pins.length === 0 && <p className="px-3 py-3 text-sm text-slate-600">{t("pins.empty")}</p>}
          <ul className="max-h-80 overflow-y-auto">
            {pins.map((p) => (
              <li key={p.message.id} data-testid="pinned-item" data-message-id={p.message.id} className="flex gap-2 border-b border-slate-50 px-3 py-2 last:border-b-0">
                <button
                  type="button"
                  className="min-w-0 flex-1 text-left"
                  onClick={() => {
                    setOpen(false);
                    router.push(messageHref(roomId, p.message));
                  }}
                >
                  <span className="block text-xs text-slate-600">
                    <span className="font-semibold text-slate-700">{p.message.sender_display || p.message.sender_name || t("view.unknownSender")}</span> · {format.dateTime(new Date(p.message.created_at), "full")}
                  </span>
                  <span data-testid="pinned-content" className="line-clamp-3 block text-sm break-words whitespace-pre-wrap text-slate-800">
                    {p.message.blocked ? t("message.blocked") : formatText.summary(p.message)}
                  </span>
                  {p.pinned_by && <span className="block text-[10px] text-slate-600">{t("pins.pinnedBy", { name: p.pinned_by.username })}</span>}
                </button>
                {canPin && (
                  <button type="button" data-testid="pinned-unpin" onClick={() => onUnpin(p.message.id)} className="self-start rounded px-1.5 text-xs text-slate-600 hover:bg-slate-100">
                    {t("pins.unpin")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
