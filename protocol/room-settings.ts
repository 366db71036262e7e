/**
 * What each room setting means while a room has never set it. Rules read absent settings as
 * these values, so comparing two rooms' settings (did a save change anything?) must compare
 * them with the defaults applied: writing a default explicitly is not a change.
 */
import type { RoomSettings } from "./rest";

/** Typed as every setting required, so a new setting cannot be added without its default. */
export const ROOM_SETTING_DEFAULTS = {
  retention_days: null,
  files_allowed: true,
  typing_indicators: true,
  slow_mode_s: 0,
  member_limit: null,
  guests_can_post: false,
  system_joins: true,
  room_mentions: true,
  assistant: true,
} as const satisfies Required<RoomSettings>;

const hasDefault = (key: string): key is keyof typeof ROOM_SETTING_DEFAULTS => Object.hasOwn(ROOM_SETTING_DEFAULTS, key);

/** The value a setting takes in effect: the stored one, else its default (null for unknown keys). */
export function effectiveSetting(settings: Record<string, unknown>, key: string): unknown {
  const stored = settings[key];
  if (stored !== undefined && stored !== null) return stored;
  return hasDefault(key) ? ROOM_SETTING_DEFAULTS[key] : null;
}

/** Whether a setting's effective value differs between two versions of a room's settings. */
export const settingChanged = (before: Record<string, unknown>, after: Record<string, unknown>, key: string): boolean =>
  JSON.stringify(effectiveSetting(before, key)) !== JSON.stringify(effectiveSetting(after, key));
