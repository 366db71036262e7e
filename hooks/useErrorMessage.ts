"use client";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useMemo } from "react";
import { errorSentences, localizedError, type ErrorFacts, type ErrorSentence } from "@/i18n/errors";
import { ApiError, sentence } from "@/lib/api";

/** The `errors` namespace as `localizedError` asks it: a key's sentence, or null when there is none. */
export function useErrorSentence(): ErrorSentence {
  const t = useTranslations("errors");
  return useMemo(() => errorSentences(t), [t]);
}

/** An error's code, reason and English words said in the reader's language (i18n/errors.ts). */
export function useLocalizedError(): (facts: ErrorFacts) => string {
  const locale = useLocale();
  const errors = useErrorSentence();
  return useCallback((facts) => localizedError(locale, facts, errors), [locale, errors]);
}

/**
 * What to tell a person about a failed request, in their language (i18n/errors.ts says how).
 * `fallback` covers failures that are not API errors (network).
 */
export function useErrorMessage(): (err: unknown, fallback?: string) => string {
  const t = useTranslations("errors");
  const say = useLocalizedError();
  return useCallback(
    (err, fallback) => {
      if (!(err instanceof ApiError)) return fallback ?? t("generic");
      return say({ code: err.code, reason: err.reason, english: sentence(err.message) });
    },
    [t, say],
  );
}

/**
 * A server error shown at the field it names (`err.field`), in the reader's language: the
 * server's words without their `field: ` prefix, or `specific` (the field's own sentence) where
 * the reader's language needs a sentence and there is no reason's.
 */
export function useFieldErrorMessage(): (err: ApiError, specific?: string) => string {
  const say = useLocalizedError();
  return useCallback(
    (err, specific) => say({ code: err.code, reason: err.reason, english: sentence(err.message), field: err.field, specific }),
    [say],
  );
}
