/**
 * Users, tokens and rooms through the public REST routes (register → token, create room), in
 * parallel: Confab hashes every password with argon2, so this is the slow part of a run.
 */
import { randomBytes } from "node:crypto";

export interface BenchUser {
  id: string;
  username: string;
  token: string;
}

async function post<T>(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const runId = randomBytes(3).toString("hex");
let batches = 0;

/** Registers `count` users and gets a token for each, `concurrency` at a time. */
export async function createUsers(base: string, count: number, concurrency = 16): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array(count);
  const password = "bench password 1234";
  const batch = (batches++).toString(36);
  let next = 0;
  const one = async (i: number) => {
    const username = `b${runId}${batch}x${i.toString(36)}`;
    const reg = await post<{ id: string }>(base, "/api/register", { username, password });
    if (reg.status !== 201) throw new Error(`register ${username}: ${reg.status} ${JSON.stringify(reg.body)}`);
    const tok = await post<{ token: string }>(base, "/api/token", { username, password });
    if (tok.status !== 200) throw new Error(`token ${username}: ${tok.status} ${JSON.stringify(tok.body)}`);
    users[i] = { id: reg.body.id, username, token: tok.body.token };
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return users;
}

/** A public room owned by `owner`; the others become members by joining it over the socket. */
export async function createRoom(base: string, owner: BenchUser, name: string): Promise<string> {
  const res = await post<{ id: string }>(base, "/api/rooms", { name: `${name}-${runId}`, visibility: "public" }, owner.token);
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
