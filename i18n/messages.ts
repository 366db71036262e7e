/**
 * The interface text, one JSON file per namespace and language (messages/<locale>/<namespace>.json).
 * English is the source: its shape types every `t("…")` call (global.d.ts), and
 * tests/unit/i18n.test.ts checks that every other language has exactly the same keys and
 * placeholders. Namespaces follow the UI's folders; see docs/i18n.md.
 */
import type { Locale } from "./config";
import en_common from "@/messages/en/common.json";
import en_shell from "@/messages/en/shell.json";
import en_auth from "@/messages/en/auth.json";
import en_errors from "@/messages/en/errors.json";
import en_invite from "@/messages/en/invite.json";
import en_settings from "@/messages/en/settings.json";
import en_search from "@/messages/en/search.json";
import en_format from "@/messages/en/format.json";
import en_room from "@/messages/en/room.json";
import en_message from "@/messages/en/message.json";
import en_files from "@/messages/en/files.json";
import en_manage from "@/messages/en/manage.json";
import en_admin from "@/messages/en/admin.json";
import de_common from "@/messages/de/common.json";
import de_shell from "@/messages/de/shell.json";
import de_auth from "@/messages/de/auth.json";
import de_errors from "@/messages/de/errors.json";
import de_invite from "@/messages/de/invite.json";
import de_settings from "@/messages/de/settings.json";
import de_search from "@/messages/de/search.json";
import de_format from "@/messages/de/format.json";
import de_room from "@/messages/de/room.json";
import de_message from "@/messages/de/message.json";
import de_files from "@/messages/de/files.json";
import de_manage from "@/messages/de/manage.json";
import de_admin from "@/messages/de/admin.json";

export const en = {
  common: en_common,
  shell: en_shell,
  auth: en_auth,
  errors: en_errors,
  invite: en_invite,
  settings: en_settings,
  search: en_search,
  format: en_format,
  room: en_room,
  message: en_message,
  files: en_files,
  manage: en_manage,
  admin: en_admin,
};

export type Messages = typeof en;

/** Every language's files as loaded; each must match `en` key for key (checked by the unit test). */
export const catalogs: Record<Locale, Record<keyof Messages, unknown>> = {
  en,
  de: {
    common: de_common,
    shell: de_shell,
    auth: de_auth,
    errors: de_errors,
    invite: de_invite,
    settings: de_settings,
    search: de_search,
    format: de_format,
    room: de_room,
    message: de_message,
    files: de_files,
    manage: de_manage,
    admin: de_admin,
  },
};

/**
 * A language's messages, with English under them: a key a translation lacks shows in English
 * rather than as its path (the unit test keeps that from happening in a release).
 */
export function messagesFor(locale: Locale): Messages {
  return locale === "en" ? en : (deepMerge(en, catalogs[locale]) as Messages);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
