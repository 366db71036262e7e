"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useMemo } from "react";
import { formatAgo, formatDay, messageSummary } from "@/lib/format";

/**
 * lib/format.ts's text helpers bound to the reader's language: `day` for day separators
 * ("Today", "Yesterday", a weekday), `ago` for "last seen", `summary` for a message in one line.
 */
export function useFormatText() {
  const t = useTranslations("format");
  const format = useFormatter();
  return useMemo(
    () => ({
      day: (iso: string, now?: Date) => formatDay(iso, t, format, now),
      ago: (iso: string, now?: number) => formatAgo(iso, t, now),
      summary: (m: Parameters<typeof messageSummary>[0]) => messageSummary(m, t),
    }),
    [t, format],
  );
}
