"use client";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useChat, useConnectionStatus, useRetryAt } from "@/hooks/useChatSocket";

/** A short drop (a deploy, a network blip) heals unseen; past this it is announced. */
export const BANNER_AFTER_MS = 2_000;
const BACK_FOR_MS = 4_000;
/** A page's first connection is not a drop: it gets longer before it is called trouble. */
const FIRST_CONNECT_GRACE_MS = 3_000;

type Shown = { state: "lost"; since: number } | { state: "back" } | null;

/**
 * Connection trouble, said plainly across the top: offline, or lost and when the next attempt
 * is (with "Retry now"), then "You're back" once the socket is live again. Short drops stay
 * quiet; the sidebar's status shows them anyway.
 */
export function ConnectionBanner() {
  const t = useTranslations("shell.connection");
  const status = useConnectionStatus();
  const retryAt = useRetryAt();
  const { client, store } = useChat();
  const [lostSince, setLostSince] = useState<number | null>(() => (store.api.getState().status === "online" ? null : Date.now() + FIRST_CONNECT_GRACE_MS));
  const [shown, setShown] = useState<Shown>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(
    () =>
      store.api.subscribe((state, previous) => {
        const live = state.status === "online";
        if (live === (previous.status === "online")) return;
        if (!live) return setLostSince(Date.now());
        setLostSince(null);
        // Only a drop that was announced is followed by "back".
        setShown((s) => (s?.state === "lost" ? { state: "back" } : s));
      }),
    [store],
  );

  useEffect(() => {
    if (lostSince === null) return;
    const timer = setTimeout(() => setShown({ state: "lost", since: lostSince }), Math.max(0, lostSince + BANNER_AFTER_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [lostSince]);

  useEffect(() => {
    if (shown?.state !== "back") return;
    const timer = setTimeout(() => setShown(null), BACK_FOR_MS);
    return () => clearTimeout(timer);
  }, [shown]);

  useEffect(() => {
    if (shown?.state !== "lost") return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [shown]);

  if (!shown) return null;
  if (shown.state === "back") {
    return (
      <div role="status" data-testid="connection-banner" data-state="back" className="bg-emerald-50 px-4 py-2 text-center text-sm font-medium text-emerald-900">
        {t("back")}
      </div>
    );
  }
  const seconds = retryAt === null ? 0 : Math.ceil((retryAt - now) / 1_000);
  const offline = status === "offline";
  return (
    <div role="alert" data-testid="connection-banner" data-state={offline ? "offline" : "reconnecting"} className="flex flex-wrap items-center justify-center gap-x-3 gap-y-1 bg-amber-100 px-4 py-2 text-sm text-amber-950">
      <p>
        <strong>{offline ? t("offline") : t("lost")}</strong>{" "}
        {offline ? t("keptOffline") : seconds > 0 ? <span data-testid="connection-retry-in">{t("retryIn", { seconds })}</span> : t("reconnecting")}{" "}
        <span className="text-amber-900">{t("stalePresence")}</span>
      </p>
      {!offline && (
        <button
          type="button"
          onClick={() => client.reconnectNow()}
          data-testid="connection-retry"
          className="rounded-md bg-amber-900 px-3 py-1 font-medium text-amber-50 hover:bg-amber-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-amber-500 focus-visible:ring-offset-2"
        >
          {t("retryNow")}
        </button>
      )}
    </div>
  );
}
