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
  /**
   * The field the words are shown at. The server starts its words with `field: `, which the
   * field's label already says: that prefix is dropped and the rest said as a sentence.
   */
  field?: string | null;
  /**
   * The caller's own sentence for this very case in the reader's language (a form's rule, an
   * upload refusal's kind): it says more than the code's sentence, less than the reason's.
   */
  specific?: string | null;
}

/**
 * A key of the `errors` namespace (`codes.RATE_LIMITED`, `reasons.banned`, `generic`) in the
 * reader's language, or null when the namespace has no such key.
 */
export type ErrorSentence = (key: string) => string | null;

/**
 * English readers get the server's words: they are precise ("name is already taken") where the
 * code's sentence is generic. Other languages get the reason's sentence, else the caller's
 * specific one, else the code's, and the English words only for an error the UI has no sentence
 * for. With no words at all, the known sentence (in English too) and last the generic one.
 */
export function localizedError(locale: string, { code, reason, english, field, specific }: ErrorFacts, sentence: ErrorSentence): string {
  const known = (reason && sentence(`reasons.${reason}`)) || specific || (code && sentence(`codes.${code}`)) || null;
  const words = english && field ? withoutField(english, field) : english;
  if (locale === "en") return words || known || (sentence("generic") ?? "");
  return known || words || (sentence("generic") ?? "");
}

/** "name: is required" shown at the name field reads "Is required" (the prefix in any case: callers may have capitalized it). */
function withoutField(words: string, field: string): string {
  const prefix = `${field}: `;
  if (words.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return words;
  const rest = words.slice(prefix.length);
  return rest ? rest[0]!.toUpperCase() + rest.slice(1) : rest;
}

/** Binds a translator of the `errors` namespace (next-intl's `useTranslations` or `createTranslator`). */
export function errorSentences<K extends string>(t: { (key: K): string; has(key: K): boolean }): ErrorSentence {
  return (key) => (t.has(key as K) ? t(key as K) : null);
}
