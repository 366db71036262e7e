"use client";
import Link from "next/link";
import { signOut } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect } from "react";
import { useNotices } from "@/hooks/useChatSocket";
import { useErrorSentence } from "@/hooks/useErrorMessage";
import { localizedError } from "@/i18n/errors";
import type { Notice } from "@/lib/chat-store";

/**
 * A notice in the reader's language. English readers get the words as written (the server's
 * are precise); other languages get the notice's own sentence, and a server error as
 * i18n/errors.ts says it.
 */
function useNoticeText(): (notice: Notice) => string {
  const t = useTranslations("shell.notices");
  const locale = useLocale();
  const errors = useErrorSentence();
  return useCallback(
    (notice) => {
      if (locale === "en") return notice.message;
      const { text } = notice;
      if (!text) return localizedError(locale, { code: notice.code, english: notice.message }, errors);
      if (text.key === "olderFailed" || text.key === "someFailed") {
        return t(text.key, { error: localizedError(locale, { code: text.error?.code, english: text.error?.message }, errors) });
      }
      return t(text.key);
    },
    [t, errors, locale],
  );
}

/** Error frames and background failures as dismissable toasts. */
export function Notices() {
  const t = useTranslations("shell.notices");
  const say = useNoticeText();
  const { notices, dismiss } = useNotices();
  // The server refused our credentials (expired, or the account was disabled or deleted): the
  // session cookie is useless, so end it here rather than leave a dead app on screen.
  const refused = notices.some((n) => n.code === "UNAUTHENTICATED");
  useEffect(() => {
    if (refused) void signOut({ callbackUrl: "/signin" });
  }, [refused]);
  if (notices.length === 0) return null;
  return (
    <div className="pointer-events-none fixed inset-x-0 top-3 z-50 flex flex-col items-center gap-2 px-3" aria-live="assertive">
      {notices.map((notice) => (
        <div
          key={notice.id}
          role="alert"
          data-testid="notice"
          data-code={notice.code}
          className="pointer-events-auto flex w-full max-w-lg items-start gap-3 rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900 shadow-lg"
        >
          <div className="flex-1">
            <p>{say(notice)}</p>
            {notice.code === "UNAUTHENTICATED" && (
              <Link href="/signin" className="mt-1 inline-block font-medium underline">
                {t("signIn")}
              </Link>
            )}
          </div>
          <button
            type="button"
            onClick={() => dismiss(notice.id)}
            className="rounded px-1 text-rose-700 hover:bg-rose-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400"
            aria-label={t("dismiss")}
            data-testid="notice-dismiss"
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
