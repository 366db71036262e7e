/**
 * A child process of bench/features/assistant.ts holding a share of the rooms' sockets, so the
 * frames the server fans out are parsed outside the process that measures (and its CPU is
 * counted as the harness's). Speaks to its parent over IPC:
 *
 * - `connect {wsUrl, rooms}`: opens and joins every member's socket;
 * - `phase {label, untilWall, ratePerRoom}`: the first member of each room sends `ratePerRoom`
 *   messages a second until `untilWall`; every other member records send → delivery of those
 *   (the send time travels in the content as wall-clock ms, so processes agree on it);
 * - `ask {bot, round}`: every member asks the assistant once (`@bot … [t:load-…]`);
 * - `streaming`: how many distinct replies this process has seen start since the last `ask`;
 * - `cancel`: each room's owner (its first member) cancels the room's replies still streaming,
 *   and the answer comes once every one of them has finished (so the next round can ask again:
 *   one generation per user);
 * - `close`.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { Histogram, type HistogramData } from "../lib/histogram";

export interface MemberRoom {
  id: string;
  tokens: string[];
}

export type MembersCommand =
  | { cmd: "connect"; wsUrl: string; rooms: MemberRoom[] }
  | { cmd: "phase"; label: string; untilWall: number; ratePerRoom: number; drainMs: number }
  | { cmd: "ask"; bot: string; limit: number; round: number }
  | { cmd: "streaming" }
  | { cmd: "cancel"; timeoutMs: number }
  | { cmd: "close" };

export interface PhaseResult {
  delivery: HistogramData;
  /** `delta` frames received during the phase (all sockets of this process). */
  deltas: number;
  sent: number;
}

const wall = () => performance.timeOrigin + performance.now();

interface Member {
  ws: WebSocket;
  room: string;
}

let members: Member[][] = [];
let current: { label: string; hist: Histogram } | null = null;
let deltas = 0;
/** Replies seen streaming (a `message` with `streaming: true`) since the last ask, by id. */
const replies = new Set<string>();
/** Replies still streaming: id → room. */
const running = new Map<string, string>();
let onFinished: (() => void) | null = null;

/** `listens`: records human deliveries (every member but the room's sender). */
function open(wsUrl: string, token: string, room: string, listens: boolean): Promise<Member> {
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data) => {
      const text = data.toString();
      // Cheap routing first: delta frames are by far the most numerous and need no parsing.
      if (text.startsWith('{"type":"delta"')) {
        deltas++;
        return;
      }
      const frame = JSON.parse(text) as { type: string; room?: string; message?: { id?: string; content?: string; streaming?: boolean } };
      if (frame.type === "message" && frame.message?.streaming === true && frame.message.id) {
        replies.add(frame.message.id);
        running.set(frame.message.id, frame.room!);
      } else if (frame.type === "message_updated" && frame.message?.streaming === false && frame.message.id && running.delete(frame.message.id)) {
        onFinished?.();
      }
      if (frame.type === "ready") ws.send(JSON.stringify({ type: "join", room }));
      else if (frame.type === "joined" && frame.room === room) resolve({ ws, room });
      else if (frame.type === "message" && listens && current) {
        const [label, at] = (frame.message?.content ?? "").split("|");
        if (label === current.label) current.hist.record(wall() - Number(at));
      }
    });
  });
}

async function connect(wsUrl: string, rooms: MemberRoom[]): Promise<void> {
  members = [];
  for (const room of rooms) {
    const sockets: Member[] = [];
    // One room at a time keeps the server's join storm (and its hashing-free token checks) small.
    for (const [i, token] of room.tokens.entries()) sockets.push(await open(wsUrl, token, room.id, i > 0));
    members.push(sockets);
  }
}

async function phase(label: string, untilWall: number, ratePerRoom: number, drainMs: number): Promise<PhaseResult> {
  current = { label, hist: new Histogram() };
  const before = deltas;
  let sent = 0;
  await Promise.all(
    members.map(async (room) => {
      const sender = room[0]!;
      while (wall() < untilWall) {
        sender.ws.send(JSON.stringify({ type: "send", id: randomUUID(), room: sender.room, content: `${label}|${wall()}|${sent++}` }));
        await new Promise((r) => setTimeout(r, 1000 / ratePerRoom));
      }
    }),
  );
  await new Promise((r) => setTimeout(r, drainMs));
  const result = { delivery: current.hist.toJSON(), deltas: deltas - before, sent };
  current = null;
  return result;
}

function ask(bot: string, limit: number, round: number): number {
  replies.clear();
  let asked = 0;
  for (const room of members) {
    for (const [i, m] of room.entries()) {
      if (asked >= limit) return asked;
      m.ws.send(JSON.stringify({ type: "send", id: randomUUID(), room: m.room, content: `@${bot} talk [t:load-${round}-${process.pid}-${m.room.slice(0, 6)}-${i}]` }));
      asked++;
    }
  }
  return asked;
}

async function cancelAll(timeoutMs: number): Promise<number> {
  const owners = new Map(members.map((room) => [room[0]!.room, room[0]!.ws]));
  const cancelled = running.size;
  for (const [message, room] of running) owners.get(room)?.send(JSON.stringify({ type: "cancel", id: randomUUID(), room, message }));
  const deadline = wall() + timeoutMs;
  while (running.size > 0) {
    if (wall() > deadline) throw new Error(`${running.size} replies still streaming ${timeoutMs} ms after cancel`);
    await new Promise<void>((r) => {
      onFinished = r;
      setTimeout(r, 100);
    });
  }
  onFinished = null;
  return cancelled;
}

process.on("message", (raw) => {
  const message = raw as { id: number } & MembersCommand;
  const reply = (result: unknown) => process.send?.({ id: message.id, ok: true, result });
  const fail = (err: unknown) => process.send?.({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  switch (message.cmd) {
    case "connect":
      return void connect(message.wsUrl, message.rooms).then(() => reply(null), fail);
    case "phase":
      return void phase(message.label, message.untilWall, message.ratePerRoom, message.drainMs).then(reply, fail);
    case "ask":
      return reply(ask(message.bot, message.limit, message.round));
    case "streaming":
      return reply(replies.size);
    case "cancel":
      return void cancelAll(message.timeoutMs).then(reply, fail);
    case "close":
      for (const room of members) for (const m of room) m.ws.close();
      reply(null);
      setTimeout(() => process.exit(0), 200);
      return;
  }
});
