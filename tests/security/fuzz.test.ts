/**
 * A seeded, reproducible fuzzer over real sockets: thousands of malformed frames (bad JSON,
 * wrong types, unknown types, prototype-pollution keys, deep nesting, NUL and lone surrogates,
 * huge numbers, oversize, invalid UTF-8, binary). Every frame must be answered by a typed
 * `error` frame or end its socket with a documented close code; nothing may be INTERNAL; the
 * server stays up and a bystander's send → ack still works. FUZZ_SEED and FUZZ_FRAMES override
 * the defaults; the totals are printed.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import WebSocket from "ws";
import { CloseCode, ErrorCode, MAX_FRAME_BYTES, type ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

const SEED = Number(process.env.FUZZ_SEED ?? 0xc0ffee);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 2400);
const SOCKETS = 6;
/** Close codes the contract documents for abusive input: bad UTF-8, oversize, persistent rate limiting. */
const DOCUMENTED_CLOSES = new Set<number>([CloseCode.INVALID_PAYLOAD, CloseCode.TOO_BIG, CloseCode.RATE_LIMITED]);
const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

/** mulberry32: small, fast and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => int(16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return { next, int, pick, uuid };
}
type Rng = ReturnType<typeof prng>;

type Payload = { kind: string; data: string | Buffer; binary?: boolean };

const TYPES = ["auth", "join", "leave", "send", "edit", "delete", "typing", "read", "delivered", "react", "presence", "ping"] as const;
/** The fields each frame type validates; a wrong type in any of them must be refused. */
const FIELDS = {
  auth: ["token"],
  join: ["room", "since", "id"],
  send: ["id", "room", "content", "kind", "to", "reply_to", "meta"],
  edit: ["id", "room", "message", "content"],
  delete: ["id", "room", "message"],
  react: ["id", "room", "message", "emoji", "op"],
  typing: ["room", "state", "id"],
  read: ["room", "seq", "id"],
  delivered: ["room", "seq", "id"],
  presence: ["status", "id"],
} as const;
const HUGE = [1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 1.5, -1, 1e21, Number.MAX_SAFE_INTEGER * 1000];
const BAD_STRINGS = ["a\u0000b", "\u0000", "x\ud800y", "\udfff", "end\ud83d", "\u0000\ud800"];

/** A well-formed frame of `type` whose room (and message) are random: only used as a base to break. */
function base(rng: Rng, type: (typeof TYPES)[number]): Record<string, unknown> {
  return { type, id: rng.uuid(), room: rng.uuid(), message: rng.uuid(), content: "hello", seq: 1, state: "start", emoji: "👍", op: "add", status: "online", token: "t" };
}

/**
 * Each generator returns one malformed frame. Frames that parse are aimed at rooms that do not
 * exist or are not joined, so even those must end in a typed error, never in success.
 */
const GENERATORS: Record<string, (rng: Rng) => Payload> = {
  "bad JSON": (rng) => {
    const good = JSON.stringify(base(rng, rng.pick(TYPES)));
    const cut = good.slice(0, 1 + rng.int(good.length - 2));
    return { kind: "bad JSON", data: rng.pick([cut, `${good},`, `{'type':'ping'}`, "{", "}", "", "undefined", "NaN", `{"type":"ping",}`, good.replace(/"/g, "")]) };
  },
  "not an object": (rng) => ({ kind: "not an object", data: rng.pick(["null", "[]", "123", '"send"', "true", `[${JSON.stringify(base(rng, "send"))}]`]) }),
  "wrong types": (rng) => {
    const type = rng.pick(Object.keys(FIELDS) as Array<keyof typeof FIELDS>);
    const frame = base(rng, type);
    frame[rng.pick(FIELDS[type])] = rng.pick<unknown>([123, true, null, {}, [], "not-a-uuid", -5, { $gt: "" }, ["a"], 0.5]);
    return { kind: "wrong types", data: JSON.stringify(frame) };
  },
  "unknown type": (rng) => {
    const frame = base(rng, "send");
    frame.type = rng.pick<unknown>(["nope", "SEND", "", "__proto__", "constructor", "toString", null, 7, ["send"], "send ", "admin"]);
    return { kind: "unknown type", data: JSON.stringify(frame) };
  },
  "missing type": (rng) => {
    const frame = base(rng, "send");
    delete frame.type;
    return { kind: "missing type", data: JSON.stringify(frame) };
  },
  "prototype pollution": (rng) => {
    const type = rng.pick(["send", "join", "react", "edit"]);
    const inner = JSON.stringify(base(rng, type as (typeof TYPES)[number])).slice(1, -1);
    const key = rng.pick(["__proto__", "constructor", "prototype"]);
    const meta = rng.pick([`"meta":{"${key}":{"isAdmin":true}},`, `"${key}":{"role":"owner","siteAdmin":true},`, `"${key}":{"prototype":{"polluted":1}},`]);
    return { kind: "prototype pollution", data: `{${meta}${inner}}` };
  },
  "deep nesting": (rng) => {
    const depth = 17 + rng.int(4000);
    const nested = "[".repeat(depth) + "]".repeat(depth);
    const frame = JSON.stringify({ ...base(rng, "send"), meta: { x: "@" } }).replace('"@"', nested);
    return { kind: "deep nesting", data: rng.next() < 0.5 ? frame : nested };
  },
  "NUL and lone surrogates": (rng) => {
    const type = rng.pick(["send", "edit", "auth", "react"] as const);
    const frame = base(rng, type);
    const bad = rng.pick(BAD_STRINGS);
    if (type === "auth") frame.token = bad;
    else if (type === "react") frame.emoji = bad;
    else if (type === "edit" || rng.next() < 0.5) frame.content = `text ${bad} text`;
    else frame.meta = rng.pick([{ note: { deeper: bad } }, { [`key${bad}`]: 1 }]);
    return { kind: "NUL and lone surrogates", data: JSON.stringify(frame) };
  },
  "huge numbers": (rng) => {
    const type = rng.pick(["read", "delivered", "join"] as const);
    const frame = base(rng, type);
    frame[type === "join" ? "since" : "seq"] = rng.pick(HUGE);
    const raw = JSON.stringify(frame);
    // Literals JSON.stringify cannot produce: overflow to Infinity, or beyond double precision.
    return { kind: "huge numbers", data: rng.next() < 0.3 ? raw.replace(/"seq":[^,}]+|"since":[^,}]+/, (m) => `${m.split(":")[0]}:1e400`) : raw };
  },
  "overlong fields": (rng) => {
    const frame = base(rng, rng.pick(["send", "edit", "auth"] as const));
    const long = "x".repeat(4001 + rng.int(20_000));
    if (frame.type === "auth") frame.token = long;
    else frame.content = long;
    return { kind: "overlong fields", data: JSON.stringify(frame) };
  },
  oversize: (rng) => ({ kind: "oversize", data: JSON.stringify({ ...base(rng, "send"), content: "y".repeat(MAX_FRAME_BYTES + rng.int(4096)) }) }),
  "invalid UTF-8": (rng) => {
    const head = Buffer.from(`{"type":"send","id":"${rng.uuid()}","content":"`);
    const bad = Buffer.from(rng.pick([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]));
    return { kind: "invalid UTF-8", data: Buffer.concat([head, bad, Buffer.from('"}')]) };
  },
  binary: (rng) => ({ kind: "binary", data: Buffer.from(Array.from({ length: 1 + rng.int(64) }, () => rng.int(256))), binary: true }),
};
/** Frames that end a socket are rarer, so most of the run exercises the validation path. */
const WEIGHTS: Record<string, number> = { oversize: 1, "invalid UTF-8": 1 };

function generate(rng: Rng, count: number): Payload[] {
  const kinds = Object.keys(GENERATORS).flatMap((k) => Array<string>(WEIGHTS[k] ?? 6).fill(k));
  return Array.from({ length: count }, () => GENERATORS[rng.pick(kinds)]!(rng));
}

type Outcome = { kind: string; result: string };

/** Sends one payload and waits for its verdict: a typed error, or the socket's close code. */
function exchange(socket: TestSocket, payload: Payload): Promise<string> {
  return new Promise((resolve) => {
    const from = socket.frames.length;
    const timer = setTimeout(() => resolve(`no answer (after ${JSON.stringify(socket.frames.slice(from))})`), 10_000);
    const done = (verdict: string) => {
      clearTimeout(timer);
      resolve(verdict);
    };
    socket.next((f) => f.type === "error" || f.type === "ack" || f.type === "joined" || f.type === "pong", { fromIndex: from, timeoutMs: 10_500 }).then(
      (frame: ServerFrame) => done(frame.type === "error" ? (ERROR_CODES.has(frame.code) ? `error ${frame.code}` : `untyped error ${frame.code}`) : `success ${frame.type}`),
      () => {},
    );
    void socket.closed.then((code) => done(DOCUMENTED_CLOSES.has(code) ? `close ${code}` : `undocumented close ${code}`));
    socket.ws.send(payload.data, { binary: payload.binary ?? false });
  });
}

let server: TestServer;
let fuzzers: TestUser[];
let bystander: TestUser;
let room: string;

before(async () => {
  server = await startServer();
  bystander = await registerUser(server.url, "bystander");
  room = await createRoom(server.url, bystander);
  fuzzers = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => registerUser(server.url, `fuzz${i}`)));
});
after(() => server.stop());

async function bystanderRoundTrip(label: string): Promise<void> {
  const s = await TestSocket.connect(server.wsUrl, bystander);
  await s.join(room);
  const ack = await s.request({ type: "send", id: randomUUID(), room, content: `still here: ${label}` });
  assert.equal(ack.type, "ack", `bystander send → ack (${label})`);
  await s.close();
}

test(`fuzz: ${FRAMES} seeded malformed frames (seed ${SEED}) get a typed error or a documented close`, { timeout: 150_000 }, async () => {
  const rng = prng(SEED);
  const payloads = generate(rng, FRAMES);
  const lanes = Array.from({ length: SOCKETS }, (_, i) => payloads.filter((_, j) => j % SOCKETS === i));
  const outcomes: Outcome[] = [];
  let reconnects = 0;

  await Promise.all(
    lanes.map(async (lane, i) => {
      let socket = await TestSocket.connect(server.wsUrl, fuzzers[i]!);
      for (const payload of lane) {
        if (socket.closeCode !== null || socket.ws.readyState !== WebSocket.OPEN) {
          socket = await TestSocket.connect(server.wsUrl, fuzzers[i]!);
          reconnects++;
        }
        outcomes.push({ kind: payload.kind, result: await exchange(socket, payload) });
      }
      await socket.close();
    }),
  );
  await bystanderRoundTrip("after the fuzz");
  assert.equal((await api(server.url, "GET", "/api/health")).status, 200, "the server is up");

  const table = new Map<string, Map<string, number>>();
  for (const { kind, result } of outcomes) {
    const row = table.get(kind) ?? new Map<string, number>();
    const key = result.startsWith("no answer") ? "no answer" : result;
    row.set(key, (row.get(key) ?? 0) + 1);
    table.set(kind, row);
  }
  const lines = [...table].map(([kind, row]) => `  ${kind.padEnd(24)} ${[...row].map(([r, n]) => `${r}: ${n}`).join(", ")}`);
  const typed = outcomes.filter((o) => o.result.startsWith("error ") || o.result.startsWith("close ")).length;
  console.log(`fuzz seed=${SEED} frames=${outcomes.length} sockets=${SOCKETS} reconnects=${reconnects} typed=${typed} (${((typed / outcomes.length) * 100).toFixed(1)}%)\n${lines.join("\n")}`);

  assert.equal(outcomes.length, FRAMES);
  const bad = outcomes.filter((o) => !(o.result.startsWith("error ") || o.result.startsWith("close ")) || o.result === "error INTERNAL");
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} frames without a typed error or documented close`);
  assert.ok(!server.logs.some((l) => l.includes("frame handler failed")), "no frame reached a handler failure");
});
