/**
 * The one rule for saying a server error in the reader's language. Pure: the hooks that show
 * errors (hooks/useErrorMessage.ts, components/room/usePendingReason.ts) bind it to next-intl,
 * unit tests to `createTranslator`.
 */

/** An error as the client knows it: the protocol code and reason, and the server's English words. */
export interface ErrorFacts {
  code?: string | null;
  /** protocol `ErrorReason`, where the server gave one. */
  reason?: string | null;
  english?: string | null;
}

/**
 * A key of the `errors` namespace (`codes.RATE_LIMITED`, `reasons.banned`, `generic`) in the
 * reader's language, or null when the namespace has no such key.
 */
export type ErrorSentence = (key: string) => string | null;

/**
 * English readers get the server's words: they are precise ("name is already taken") where the
 * code's sentence is generic. Other languages get the reason's sentence, else the code's, and
 * the English words only for an error the UI has no sentence for. With no words at all, the
 * code's sentence (in English too) and last the generic one.
 */
export function localizedError(locale: string, { code, reason, english }: ErrorFacts, sentence: ErrorSentence): string {
  const known = (reason && sentence(`reasons.${reason}`)) || (code && sentence(`codes.${code}`)) || null;
  if (locale === "en") return english || known || (sentence("generic") ?? "");
  return known || english || (sentence("generic") ?? "");
}

/** Binds a translator of the `errors` namespace (next-intl's `useTranslations` or `createTranslator`). */
export function errorSentences<K extends string>(t: { (key: K): string; has(key: K): boolean }): ErrorSentence {
  return (key) => (t.has(key as K) ? t(key as K) : null);
}
