import type { Formats } from "next-intl";

/**
 * Named date and number formats, so the same moment reads the same everywhere in the UI and
 * each language orders and spells it its own way: `format.dateTime(date, "time")`.
 */
export const formats = {
  dateTime: {
    /** Message times: 14:05 / 2:05 PM. */
    time: { hour: "2-digit", minute: "2-digit" },
    /** Day separators: Tuesday, Dec 1. */
    day: { weekday: "long", month: "short", day: "numeric" },
    /** Hover details, audit rows, "since": Dec 1, 2026, 2:05 PM. */
    full: { dateStyle: "medium", timeStyle: "short" },
    /** Dates without a time: Dec 1, 2026. */
    date: { dateStyle: "medium" },
  },
  number: {
    /** Counts shown compactly where space is short: 1.2K / 1,2 Tsd. */
    compact: { notation: "compact", maximumFractionDigits: 1 },
  },
} satisfies Formats;
