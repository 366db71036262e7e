/**
 * Types for the room's text helpers: the pure functions here that build sentences (typing line,
 * reaction tooltip, system lines…) take the translator and formatter as parameters instead of
 * importing next-intl, so unit tests can hand them one made by `createTranslator`.
 */
import type { useFormatter, useTranslations } from "next-intl";

/** The `room` namespace's translator (docs/i18n.md). */
export type RoomTranslator = ReturnType<typeof useTranslations<"room">>;
/** next-intl's formatter with the app's named formats (i18n/formats.ts). */
export type Formatter = ReturnType<typeof useFormatter>;
