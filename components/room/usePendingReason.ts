"use client";
import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";
import { useErrorSentence } from "@/hooks/useErrorMessage";
import { localizedError, type ErrorSentence } from "@/i18n/errors";
import type { PendingMessage } from "@/lib/chat-store";
import { NO_ANSWER } from "@/lib/sync/outbox";

type Reason = Pick<PendingMessage, "error" | "errorCode" | "errorReason" | "errorAttempts">;
type Translators = {
  locale: string;
  /** `room.message` */
  message: (key: "noAnswer", values: { attempts: number }) => string;
  /** `errors` */
  errors: ErrorSentence;
};

/**
 * Why an unsent message waits or failed, in the reader's language. The outbox keeps the English
 * sentence (the server's own words) with the error's code and reason; NO_ANSWER is the client's
 * own and has its sentence in `room.message`. No sentence means no reason to show.
 */
export function pendingReasonText(p: Reason, { locale, message, errors }: Translators): string | undefined {
  if (p.error === undefined) return undefined;
  const specific = p.errorCode === NO_ANSWER ? message("noAnswer", { attempts: p.errorAttempts ?? 0 }) : undefined;
  return localizedError(locale, { code: p.errorCode, reason: p.errorReason, english: p.error, specific }, errors);
}

export function usePendingReason(): (p: Reason) => string | undefined {
  const locale = useLocale();
  const message = useTranslations("room.message");
  const errors = useErrorSentence();
  return useCallback((p) => pendingReasonText(p, { locale, message: (key, values) => message(key, values), errors }), [locale, message, errors]);
}
