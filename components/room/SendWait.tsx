"use client";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import type { PendingMessage } from "@/lib/chat-store";
import { ErrorReason } from "@/protocol";
import { usePendingReason } from "./usePendingReason";

/**
 * A message the server asked to wait (lib/sync/outbox.ts resends it at `at`), and why: the
 * server's English words, the error's code and its protocol reason (`slow_mode`).
 */
export type SendWaitInfo = { at: number } & Pick<PendingMessage, "error" | "errorCode" | "errorReason">;

/** The last wait among the outbox's messages, or null when none is waiting. */
export function sendWaitOf(pending: readonly PendingMessage[]): SendWaitInfo | null {
  let latest: SendWaitInfo | null = null;
  for (const p of pending) {
    if (p.state !== "sending" || p.retryAt === undefined) continue;
    // The last one to go out says when the composer is free again.
    if (!latest || p.retryAt > latest.at) latest = { at: p.retryAt, error: p.error, errorCode: p.errorCode, errorReason: p.errorReason };
  }
  return latest;
}

/** "Slow mode: you can send again in 7 s", counting down above the input. */
export function SendWait({ wait }: { wait: SendWaitInfo }) {
  const t = useTranslations("room.wait");
  const pendingReason = usePendingReason();
  const reason = pendingReason(wait);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((wait.at - now) / 1000));
  const slow = wait.errorReason === ErrorReason.SLOW_MODE;
  const text = slow
    ? seconds > 0
      ? t("slow", { seconds })
      : t("slowNow")
    : `${reason ? `${reason} ` : ""}${seconds > 0 ? t("goesOut", { seconds }) : t("goesOutNow")}`;
  return (
    <p role="status" data-testid="composer-wait" data-slow-mode={slow ? "true" : undefined} className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {text}
    </p>
  );
}
