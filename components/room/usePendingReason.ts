"use client";
import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";
import type { PendingMessage } from "@/lib/chat-store";
import { NO_ANSWER } from "@/lib/sync/outbox";

type Reason = Pick<PendingMessage, "error" | "errorCode" | "errorAttempts">;
type Translators = {
  locale: string;
  /** `room.message` */
  message: (key: "noAnswer", values: { attempts: number }) => string;
  /** `errors`: the code's sentence, or null when there is none. */
  code: (code: string) => string | null;
};

/**
 * Why an unsent message waits or failed, in the reader's language. The outbox keeps the English
 * sentence (the server's own words, precise) and the error's code: English readers get the
 * sentence, other languages the code's sentence, and the English words only for a code the UI
 * does not know.
 */
export function pendingReasonText(p: Reason, { locale, message, code }: Translators): string | undefined {
  if (p.error === undefined || locale === "en") return p.error;
  if (p.errorCode === NO_ANSWER) return message("noAnswer", { attempts: p.errorAttempts ?? 0 });
  return (p.errorCode && code(p.errorCode)) || p.error;
}

export function usePendingReason(): (p: Reason) => string | undefined {
  const locale = useLocale();
  const message = useTranslations("room.message");
  const errors = useTranslations("errors");
  return useCallback(
    (p) =>
      pendingReasonText(p, {
        locale,
        message: (key, values) => message(key, values),
        code: (c) => {
          const key = `codes.${c}` as Parameters<typeof errors.has>[0];
          return errors.has(key) ? errors(key) : null;
        },
      }),
    [locale, message, errors],
  );
}
