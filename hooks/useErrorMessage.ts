"use client";
import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";
import { ApiError, sentence } from "@/lib/api";

/**
 * What to tell a person about a failed request, in their language. The server's `message` is
 * English and precise ("name is already taken"): English readers get it as is; other languages
 * get the error code's sentence from the `errors` namespace, with the server's words only for a
 * code the UI does not know. `fallback` covers failures that are not API errors (network).
 */
export function useErrorMessage(): (err: unknown, fallback?: string) => string {
  const t = useTranslations("errors");
  const locale = useLocale();
  return useCallback(
    (err, fallback) => {
      if (!(err instanceof ApiError)) return fallback ?? t("generic");
      if (locale === "en") return sentence(err.message);
      if (err.reason === "banned") return t("reasons.banned");
      const key = `codes.${err.code}` as const;
      return t.has(key as Parameters<typeof t.has>[0]) ? t(key as Parameters<typeof t>[0]) : sentence(err.message);
    },
    [t, locale],
  );
}
