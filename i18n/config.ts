/**
 * The interface languages Confab ships, and how a request picks one: the signed-in user's choice
 * (Settings → Language, stored on the user), else the browser's `Accept-Language`, else English.
 * Pure: used by the request config (i18n/request.ts), the /api/me route and unit tests.
 */
export const LOCALES = ["en", "de"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Each language named in itself, for the picker. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch" };

export const isLocale = (value: unknown): value is Locale => typeof value === "string" && (LOCALES as readonly string[]).includes(value);

/**
 * The best shipped language for an `Accept-Language` header: tags in the order of their `q`
 * weight, each matched exactly or by its primary subtag (`de-AT` → `de`).
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(",")
    .map((part, order) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.tag && r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranked) {
    if (isLocale(tag)) return tag;
    const primary = tag.split("-")[0];
    if (isLocale(primary)) return primary;
  }
  return DEFAULT_LOCALE;
}

/** The language for a request: the user's stored choice, else the browser's. */
export function resolveLocale(stored: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  return isLocale(stored) ? stored : negotiateLocale(acceptLanguage);
}
