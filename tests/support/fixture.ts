/**
 * The set-up integration suites repeat: people (never the site's administrator by accident), a
 * room with its members, and sockets that close themselves.
 *
 * The first user a site registers administers it, so a suite that registered its users with
 * `Promise.all` made whichever won the race a site admin, and permission checks then passed or
 * failed by luck. `users` always registers the site admin first and alone.
 */
import { api, createRoom, registerUser, TestSocket, type TestUser } from "./client";
import type { TestServer } from "./server";

const admins = new WeakMap<TestServer, Promise<TestUser>>();

/** The site's administrator: the first user of the server, registered once. */
export function siteAdmin(server: TestServer): Promise<TestUser> {
  let admin = admins.get(server);
  if (!admin) {
    admin = registerUser(server.url, "siteadmin");
    admins.set(server, admin);
  }
  return admin;
}

/**
 * One plain user per name (a username prefix), registered concurrently once the site admin
 * exists, so none of them administers the site. Call it before registering anyone else.
 */
export async function users<const N extends readonly string[]>(server: TestServer, names: N): Promise<{ -readonly [K in keyof N]: TestUser }> {
  await siteAdmin(server);
  return (await Promise.all(names.map((name) => registerUser(server.url, name)))) as { -readonly [K in keyof N]: TestUser };
}

/**
 * A room `owner` created, with `members` in it: they join a public room, and accept an
 * invitation to a private one.
 */
export async function roomWithMembers(server: TestServer, owner: TestUser, members: readonly TestUser[], visibility: "public" | "private" = "public"): Promise<string> {
  const room = await createRoom(server.url, owner, visibility);
  for (const member of members) {
    if (visibility === "public") {
      const joined = await api(server.url, "POST", `/api/rooms/${room}/join`, { token: member.token });
      if (joined.status !== 200) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
      continue;
    }
    const invite = await api<{ token: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: owner.token, body: {} });
    if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
    const accepted = await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { token: member.token });
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  }
  return room;
}

const open = new WeakMap<TestServer, Set<TestSocket>>();

/** The server's sockets still open; the first call makes `server.stop()` close them first. */
function socketsOf(server: TestServer): Set<TestSocket> {
  let sockets = open.get(server);
  if (!sockets) {
    const created = new Set<TestSocket>();
    sockets = created;
    open.set(server, created);
    const stop = server.stop.bind(server);
    server.stop = async (signal) => {
      await Promise.allSettled([...created].map((s) => s.close()));
      return stop(signal);
    };
  }
  return sockets;
}

/**
 * A socket of `user`, joined to `rooms` when given, that closes itself when the server is
 * stopped (the suite's `after`), so suites keep no list of sockets to close.
 */
export async function connect(server: TestServer, user: TestUser, { join = [] }: { join?: readonly string[] } = {}): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, user);
  const sockets = socketsOf(server);
  sockets.add(socket);
  void socket.closed.then(() => sockets.delete(socket));
  for (const room of join) await socket.join(room);
  return socket;
}
