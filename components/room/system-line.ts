/**
 * A system message (a room event) in the reader's language. The server stores the event both as
 * structured `meta` and as one English sentence in `content` (server/chat/system-messages.ts);
 * the UI words the events it knows from `meta`, with the same English as the server, and shows
 * `content` for an event this build cannot parse.
 */
import type { SystemMeta } from "@/protocol";
import type { RoomTranslator } from "./i18n";

type SettingName = keyof typeof SETTING_KEYS;
/** The settings whose names are translated; any other key is shown as it is. */
const SETTING_KEYS = {
  retention_days: true,
  files_allowed: true,
  typing_indicators: true,
  slow_mode_s: true,
  member_limit: true,
  guests_can_post: true,
  system_joins: true,
  room_mentions: true,
  assistant: true,
} as const;
const isSettingName = (key: string): key is SettingName => Object.hasOwn(SETTING_KEYS, key);

export function describeSystemLine(meta: SystemMeta, t: RoomTranslator): string {
  const withReason = (line: string, reason: string | null) => (reason ? t("system.withReason", { line, reason }) : line);
  switch (meta.event) {
    case "joined":
      return t("system.joined", { name: meta.target.username });
    case "left":
      return t("system.left", { name: meta.target.username });
    case "kicked":
    case "banned":
    case "unbanned":
    case "muted":
    case "unmuted":
      return withReason(t(`system.${meta.event}`, { actor: meta.actor.username, target: meta.target.username }), meta.reason);
    case "role":
      return withReason(t("system.role", { actor: meta.actor.username, target: meta.target.username, role: meta.role }), meta.reason);
    case "renamed":
      return t("system.renamed", { actor: meta.actor.username, name: meta.to });
    case "topic":
      return meta.to ? t("system.topic", { actor: meta.actor.username, topic: meta.to }) : t("system.topicCleared", { actor: meta.actor.username });
    case "visibility":
      return t("system.visibility", { actor: meta.actor.username, visibility: meta.to });
    case "settings": {
      const settings = meta.changed.map((key) => (isSettingName(key) ? t(`system.settingNames.${key}`) : key)).join(", ");
      return t("system.settings", { actor: meta.actor.username, settings });
    }
  }
}
