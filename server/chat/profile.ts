/**
 * The user's own profile: the display name shown instead of their username. Avatars wait for
 * uploads. A change reaches open rooms live as a `profile` frame on each of the user's rooms
 * (and their own sockets); history reads the name at read time, so old messages show it too.
 */
import type { Database } from "@/db/client";
import { listRoomIdsOfUser } from "@/db/queries/rooms";
import { getUserById, setDisplayName, setLocale, setTheme } from "@/db/queries/users";
import { isLocale } from "@/i18n/config";
import type { ServerFrameOf } from "@/protocol";
import type { LocalePreference, ThemePreference } from "@/protocol/rest";
import { publishFrame, publishToUser, type Bus } from "@/server/bus";
import { notFound } from "@/server/errors";
import type { Logger } from "@/server/log";
import type { AiInfo, AiService } from "@/server/ai/service";

type Deps = { db: Database; bus: Bus; log: Logger };

/**
 * `assistant`: whether the AI assistant is on, and its name and user id (docs/ai.md).
 * `theme`: the colour theme picked in Settings, followed on every device (docs/ui.md).
 * `locale`: the interface language picked in Settings, null to follow the browser (docs/i18n.md).
 */
export type Me = {
  id: string;
  username: string;
  display_name: string | null;
  site_admin: boolean;
  created_at: string;
  theme: ThemePreference;
  locale: LocalePreference;
  assistant: AiInfo;
};

export async function getMe({ db, ai }: Pick<Deps, "db"> & { ai?: Pick<AiService, "info"> }, actor: { id: string }): Promise<Me> {
  const user = await getUserById(db, { id: actor.id });
  if (!user) throw notFound("user");
  return {
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    site_admin: user.siteAdmin,
    created_at: user.createdAt.toISOString(),
    theme: user.theme,
    locale: isLocale(user.locale) ? user.locale : null,
    assistant: ai?.info() ?? { enabled: false },
  };
}

/** Sets (or, with null, clears) the actor's display name; `displayName` is already validated and trimmed. */
export async function updateDisplayName({ db, bus, log, ai }: Deps & { ai?: Pick<AiService, "info"> }, actor: { id: string }, displayName: string | null): Promise<Me> {
  const updated = await setDisplayName(db, { id: actor.id, displayName });
  if (!updated) throw notFound("user");
  const user = { id: updated.id, username: updated.username, display_name: updated.displayName };
  const frame = (room?: string): ServerFrameOf<"profile"> => ({ type: "profile", ...(room ? { room } : {}), user });
  // The change is committed; a lost announcement only delays the new name until the next load.
  const rooms = await listRoomIdsOfUser(db, { userId: actor.id });
  await Promise.all([...rooms.map((room) => publishFrame(bus, room, frame(room))), publishToUser(bus, actor.id, frame())]).catch((err: unknown) =>
    log.warn({ err, user: actor.id }, "profile: announcing the new display name failed"),
  );
  return getMe({ db, ai }, actor);
}

/** Stores the actor's interface language (null: follow the browser); pages render in it from the next load. */
export async function updateLocale({ db, ai }: Pick<Deps, "db"> & { ai?: Pick<AiService, "info"> }, actor: { id: string }, locale: LocalePreference): Promise<Me> {
  if (!(await setLocale(db, { id: actor.id, locale }))) throw notFound("user");
  return getMe({ db, ai }, actor);
}

/** Stores the actor's colour theme. Other devices pick it up on their next load of GET /api/me. */
export async function updateTheme({ db, ai }: Pick<Deps, "db"> & { ai?: Pick<AiService, "info"> }, actor: { id: string }, theme: ThemePreference): Promise<Me> {
  if (!(await setTheme(db, { id: actor.id, theme }))) throw notFound("user");
  return getMe({ db, ai }, actor);
}
