"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback } from "react";
import { useLocalizedError } from "@/hooks/useErrorMessage";
import { byteSize, UploadError } from "@/lib/files/upload";

/**
 * File sizes and upload refusals in the reader's language. Sizes: the number through the
 * locale ("1,5 KB" in German), the unit from the `files` namespace. Refusals by the shared
 * rule (i18n/errors.ts): English readers keep the server's precise words (lib/files/upload.ts
 * refusalText); other languages get the sentence for the refusal's kind.
 */
export function useFileText(): { bytes: (n: number) => string; refusal: (err: unknown, fallback: string) => string } {
  const t = useTranslations("files.size");
  const r = useTranslations("files.refusal");
  const format = useFormatter();
  const say = useLocalizedError();
  const bytes = useCallback(
    (n: number) => {
      const { value, unit, decimals } = byteSize(n);
      // No grouping: sizes stay under 1024 of their unit, and "1023 KB" reads as one figure.
      const size = format.number(value, { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: false });
      return unit === "byte" ? t("bytes", { count: value, size }) : t(unit, { size });
    },
    [t, format],
  );
  const refusalKind = useCallback(
    (err: UploadError) => {
      if (err.status === 413 || err.code === "TOO_LARGE") return r("tooLarge");
      if (err.status === 429) return r("rateLimited");
      if (err.status === 403) return r("forbidden");
      if (err.status === 0) return r("network");
      return r("failed", { code: err.code || String(err.status) });
    },
    [r],
  );
  const refusal = useCallback(
    (err: unknown, fallback: string) => {
      if (!(err instanceof UploadError)) return fallback;
      return say({ code: err.code, english: err.message, specific: refusalKind(err) });
    },
    [refusalKind, say],
  );
  return { bytes, refusal };
}
