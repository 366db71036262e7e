/**
 * The shipped deployment, run for real: Debian's nginx on deploy/nginx/confab.conf (ports,
 * upstream addresses and certificate paths substituted, nothing else) terminating TLS with a
 * certificate generated here, in front of two instances on the with-services Postgres and
 * Redis. Clients speak only https:// and wss:// to nginx; instances are reached directly just
 * to ask them how many sockets they hold. Skipped when nginx is not installed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { sleep, TestSocket, uniqueName, waitFor, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const root = path.resolve(import.meta.dirname, "../..");
const SHIPPED_CONF = path.join(root, "deploy", "nginx", "confab.conf");
const RATE_AUTH_PER_MIN = 6;

function findNginx(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).concat(["/usr/sbin", "/usr/local/sbin"])) {
    const candidate = path.join(dir, "nginx");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const nginxBin = findNginx();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Replaces `pattern` (global) and insists it matched exactly `count` times, so a changed file fails loudly. */
function substitute(text: string, pattern: RegExp, replacement: (match: string, index: number) => string, count: number, what: string): string {
  let seen = 0;
  const out = text.replace(pattern, (match) => replacement(match, seen++));
  assert.equal(seen, count, `deploy/nginx/confab.conf: expected ${count} ${what}, found ${seen}`);
  return out;
}

/** deploy/nginx/confab.conf as shipped, pointed at this test's ports, instances and certificate. */
function renderSite(conf: string, o: { httpPort: number; httpsPort: number; upstreams: number[]; cert: string; key: string }): string {
  let out = substitute(conf, /^\s*listen \[::\]:\d+[^;]*;\n/gm, () => "", 2, "IPv6 listen lines");
  out = substitute(out, /listen 80;/g, () => `listen 127.0.0.1:${o.httpPort};`, 1, "`listen 80;`");
  out = substitute(out, /listen 443 ssl http2;/g, () => `listen 127.0.0.1:${o.httpsPort} ssl http2;`, 1, "`listen 443 ssl http2;`");
  out = substitute(out, /server 127\.0\.0\.1:300\d/g, (_m, i) => `server 127.0.0.1:${o.upstreams[i]}`, o.upstreams.length, "upstream servers");
  out = substitute(out, /ssl_certificate\s+\S+;/g, () => `ssl_certificate ${o.cert};`, 1, "ssl_certificate");
  out = substitute(out, /ssl_certificate_key\s+\S+;/g, () => `ssl_certificate_key ${o.key};`, 1, "ssl_certificate_key");
  return out;
}

interface Nginx {
  process: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
}

async function startNginx(prefix: string, sitePath: string, httpsPort: number): Promise<Nginx> {
  // What /etc/nginx/nginx.conf would provide, with every path nginx writes kept in `prefix`.
  const main = [
    "daemon off;",
    "worker_processes 1;",
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log info;`,
    "events { worker_connections 512; }",
    "http {",
    `  access_log ${prefix}/access.log;`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((name) => `  ${name}_temp_path ${prefix}/${name}_temp;`),
    `  include ${sitePath};`,
    "}",
  ].join("\n");
  const confPath = path.join(prefix, "nginx.conf");
  writeFileSync(confPath, main);
  execFileSync(nginxBin!, ["-t", "-q", "-c", confPath, "-p", `${prefix}/`], { stdio: "pipe" });
  const child = spawn(nginxBin!, ["-c", confPath, "-p", `${prefix}/`], { stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  child.stdout!.on("data", (d: Buffer) => logs.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        if (child.exitCode !== null) return resolve(true);
        const socket = tcpConnect(httpsPort, "127.0.0.1");
        socket.once("connect", () => (socket.destroy(), resolve(true)));
        socket.once("error", () => resolve(false));
      }),
    { timeoutMs: 10_000, what: "nginx to listen" },
  );
  if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${logs.join("")}`);
  return {
    process: child,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      process.removeListener("exit", killOnExit);
    },
  };
}

interface Reply<T> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

let prefix: string;
let cert: string;
let nginx: Nginx | undefined;
let httpPort: number;
let httpsPort: number;
let origin: string;
let wsUrl: string;
let A: TestServer;
let B: TestServer;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];
let instanceEnv: Record<string, string>;
let nextSource = 10;

/** A loopback source address of its own, so rate limits count this client alone. */
const freshSource = () => `127.0.0.${nextSource++}`;

/** An https request to nginx, trusting only the generated certificate. */
function request<T = unknown>(
  method: string,
  urlPath: string,
  opts: { body?: unknown; raw?: Buffer; token?: string; headers?: Record<string, string>; from?: string } = {},
): Promise<Reply<T>> {
  const payload = opts.raw ?? (opts.body !== undefined ? Buffer.from(JSON.stringify(opts.body)) : undefined);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: httpsPort,
        method,
        path: urlPath,
        ca: cert,
        localAddress: opts.from ?? "127.0.0.1",
        agent: false,
        headers: {
          ...(payload ? { "content-type": "application/json", "content-length": String(payload.length) } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // not JSON (an nginx page): keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function signUp(prefixName: string): Promise<TestUser> {
  const from = freshSource();
  const username = uniqueName(prefixName);
  const password = "correct horse battery";
  const reg = await request<{ id: string }>("POST", "/api/register", { body: { username, password }, from });
  assert.equal(reg.status, 201, `register through nginx: ${reg.status} ${JSON.stringify(reg.body)}`);
  const tok = await request<{ token: string }>("POST", "/api/token", { body: { username, password }, from });
  assert.equal(tok.status, 200, `token through nginx: ${tok.status}`);
  return { id: reg.body.id, username, password, token: tok.body.token };
}

async function connect(user: TestUser, headers?: Record<string, string>): Promise<TestSocket> {
  const socket = await TestSocket.open(wsUrl, { token: user.token, tls: { ca: cert }, headers });
  sockets.push(socket);
  await socket.next((f) => f.type === "ready");
  return socket;
}

/** Authenticated sockets an instance holds, from its own /metrics (asked directly, on loopback). */
async function socketsOn(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  const line = (await res.text()).split("\n").find((l) => l.startsWith('confab_sockets{state="authenticated"}'));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** Waits until instances A and B hold these many authenticated sockets (closes are counted asynchronously). */
async function waitForSockets(onA: number, onB: number, what = `${onA} and ${onB} sockets`): Promise<void> {
  let seen: number[] = [];
  await waitFor(
    async () => {
      seen = [await socketsOn(A), await socketsOn(B)];
      return seen[0] === onA && seen[1] === onB;
    },
    { timeoutMs: 5_000, what: `${what} (last seen ${JSON.stringify(seen)})` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last seen A=${seen[0]} B=${seen[1]}`);
  });
}

const ackOf = (frame: ServerFrame): Message => {
  assert.equal(frame.type, "ack", `expected ack, got ${JSON.stringify(frame)}`);
  return (frame as Extract<ServerFrame, { type: "ack" }>).message;
};

async function startInstance(port = 0): Promise<TestServer> {
  const server = await startServer({ ...instanceEnv, PORT: String(port) });
  servers.push(server);
  return server;
}

describe("nginx + TLS in front of two instances (deploy/nginx/confab.conf)", { skip: nginxBin ? false : "nginx is not installed (apt-get install nginx; .ci/run does)" }, () => {
  before(async () => {
    instanceEnv = { ...servicesEnv(), TRUST_PROXY: "1", RATE_AUTH_PER_MIN: String(RATE_AUTH_PER_MIN) };
    prefix = mkdtempSync(path.join(tmpdir(), "confab-nginx-"));
    // Under root nginx's workers run as `nobody` and must reach the temp dirs beneath.
    chmodSync(prefix, 0o755);
    mkdirSync(path.join(prefix, "tls"), { mode: 0o700 });
    const certPath = path.join(prefix, "tls", "cert.pem");
    const keyPath = path.join(prefix, "tls", "key.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", keyPath, "-out", certPath],
      { stdio: "pipe" },
    );
    cert = readFileSync(certPath, "utf8");

    const started = await Promise.allSettled([startInstance(), startInstance()]);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    [A, B] = started.map((r) => (r as PromiseFulfilledResult<TestServer>).value) as [TestServer, TestServer];

    [httpPort, httpsPort] = [await freePort(), await freePort()];
    const site = renderSite(readFileSync(SHIPPED_CONF, "utf8"), { httpPort, httpsPort, upstreams: [A.port, B.port], cert: certPath, key: keyPath });
    const sitePath = path.join(prefix, "confab.conf");
    writeFileSync(sitePath, site);
    nginx = await startNginx(prefix, sitePath, httpsPort);
    origin = `https://127.0.0.1:${httpsPort}`;
    wsUrl = `wss://127.0.0.1:${httpsPort}/ws`;
  });

  after(async () => {
    await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
    await nginx?.stop();
    await Promise.allSettled(servers.map((s) => s.stop()));
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  test("TLS is terminated with the configured profile, plain HTTP redirects, /metrics stays private", async () => {
    const health = await request<{ ok: boolean }>("GET", "/api/health");
    assert.equal(health.status, 200, JSON.stringify(health.body));
    assert.match(String(health.headers["strict-transport-security"]), /max-age=\d+/);
    assert.equal(health.headers["x-content-type-options"], "nosniff", "the app's own headers pass through");

    const redirect = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: "127.0.0.1", port: httpPort, path: "/rooms/x?since=3", agent: false }, resolve).on("error", reject),
    );
    redirect.resume();
    assert.equal(redirect.statusCode, 301);
    assert.equal(redirect.headers.location, "https://127.0.0.1/rooms/x?since=3");

    // Only AEAD ECDHE suites on TLS 1.2: a client offering just an RSA-kex CBC suite is refused,
    // which nginx's default cipher list would have accepted.
    const handshake = (options: tls.ConnectionOptions) =>
      new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: "127.0.0.1", port: httpsPort, ca: cert, ...options }, () => {
          const protocol = `${socket.getProtocol()} ${socket.getCipher().name}`;
          socket.destroy();
          resolve(protocol);
        });
        socket.once("error", reject);
      });
    assert.match(await handshake({}), /^TLSv1\.3 /);
    assert.match(await handshake({ maxVersion: "TLSv1.2" }), /^TLSv1\.2 ECDHE-ECDSA-/);
    await assert.rejects(handshake({ maxVersion: "TLSv1.2", ciphers: "AES128-SHA:AES256-SHA" }), "weak suites are refused");
    await assert.rejects(handshake({ maxVersion: "TLSv1.1", minVersion: "TLSv1" }), "TLS 1.1 is refused");

    assert.equal((await request("GET", "/metrics")).status, 404, "nginx hides /metrics (every proxied caller is loopback to the app)");
    assert.equal((await fetch(`${A.url}/metrics`)).status, 200, "scrapers reach the instance directly");

    // Bodies up to 25 MiB reach the app (nginx's default would stop them at 1 MiB); beyond, nginx refuses.
    const big = await request<{ error?: { code: string } }>("POST", "/api/register", { raw: Buffer.alloc(2 * 1024 * 1024, 0x20), from: freshSource() });
    assert.notEqual(big.status, 413, "a 2 MiB body is not refused by nginx");
    assert.equal(typeof big.body, "object", `the app answered a 2 MiB body: ${big.status}`);
    // nginx judges a body by its declared length before reading it: announce 26 MiB, send none.
    const huge = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: httpsPort,
          method: "POST",
          path: "/api/register",
          ca: cert,
          agent: false,
          headers: { "content-type": "application/json", "content-length": String(26 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", reject);
      req.flushHeaders();
    });
    assert.equal(huge, 413, "over 25 MiB nginx refuses");
  });

  test("sign-up, token and rooms over https; clients on different instances chat over wss", async () => {
    const [alice, bob] = [await signUp("alice"), await signUp("bob")];
    const created = await request<{ id: string }>("POST", "/api/rooms", { token: alice.token, body: { name: uniqueName("room"), visibility: "public" } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const room = created.body.id;

    // The browser's Origin is https://host:port: the app sees the scheme through X-Forwarded-Proto
    // and the port through Host, so it accepts its own origin and still refuses others.
    await assert.rejects(TestSocket.open(wsUrl, { token: alice.token, tls: { ca: cert }, origin: "https://evil.example" }), /403/);
    await waitForSockets(0, 0);
    const a = await connect(alice, { origin });
    const b = await connect(bob);
    await waitForSockets(1, 1, "least_conn put one socket on each instance");

    await a.join(room);
    await b.join(room);
    // Bob's joining is the room's first (system) line: the chat starts after it.
    const seqs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [sender, receiver] = i % 2 === 0 ? [a, b] : [b, a];
      const message = ackOf(await sender.request({ type: "send", id: randomUUID(), room, content: `over nginx #${i}` }));
      if (seqs.length > 0) assert.equal(message.seq, seqs.at(-1)! + 1, "gap-free across instances");
      seqs.push(message.seq);
      await receiver.next((f) => f.type === "message" && f.message.id === message.id);
    }
    await sleep(200);
    const chat = (client: typeof a) => client.messages(room).filter((m) => m.kind !== "system").map((m) => m.seq);
    assert.deepEqual(chat(a), seqs);
    assert.deepEqual(chat(b), seqs);
    await Promise.all([a.close(), b.close()]);
  });

  test("rate limits count the client's address from X-Forwarded-For, which clients cannot forge", async () => {
    const attempt = (from: string, headers?: Record<string, string>) =>
      request("POST", "/api/token", { body: { username: uniqueName("nobody"), password: "wrong password here" }, from, headers });
    const noisy = freshSource();
    for (let i = 0; i < RATE_AUTH_PER_MIN; i++) assert.equal((await attempt(noisy)).status, 401, `attempt ${i + 1} is counted, not limited`);
    assert.equal((await attempt(noisy)).status, 429, "the noisy address is limited, on whichever instance nginx picks");
    assert.equal((await attempt(noisy, { "x-forwarded-for": "203.0.113.7" })).status, 429, "nginx overwrites a forged X-Forwarded-For");
    // Every request reaches the app from nginx's one address; only X-Forwarded-For tells clients apart.
    assert.equal((await attempt(freshSource())).status, 401, "another client address is not limited");
  });

  test("rolling restart: SIGTERM each instance in turn; clients reconnect through nginx and lose nothing", async () => {
    const [alice, bob] = [await signUp("alice"), await signUp("bob")];
    const created = await request<{ id: string }>("POST", "/api/rooms", { token: alice.token, body: { name: uniqueName("room"), visibility: "public" } });
    const room = created.body.id;

    /** A client as the web app behaves: reconnect, re-join with `since`, resend unacked ids. */
    class Client {
      socket!: TestSocket;
      readonly received: Message[] = [];
      readonly acked = new Map<string, Message>();
      sessions = 0;
      /** The room's seq at the first join (made without `since`): later messages are this client's to receive. */
      baseline = 0;
      constructor(readonly user: TestUser) {}

      get lastSeq() {
        return this.received.reduce((max, m) => Math.max(max, m.seq), 0);
      }

      async open(): Promise<void> {
        for (let attempt = 0; ; attempt++) {
          let socket: TestSocket | undefined;
          try {
            socket = await TestSocket.open(wsUrl, { token: this.user.token, tls: { ca: cert } });
            sockets.push(socket);
            socket.ws.on("message", (data) => {
              const frame = JSON.parse(data.toString()) as ServerFrame;
              if (frame.type === "message" && frame.room === room) this.received.push(frame.message);
            });
            await socket.next((f) => f.type === "ready");
            const joined = await socket.join(room, this.sessions === 0 ? undefined : this.lastSeq);
            if (this.sessions === 0) this.baseline = joined.seq;
            this.socket = socket;
            this.sessions++;
            return;
          } catch (err) {
            // A socket that opened but could not re-join (its instance was draining) must not
            // keep feeding `received`.
            socket?.ws.terminate();
            if (attempt >= 100) throw err;
            await sleep(100);
          }
        }
      }

      /** Sends until acked, over whichever socket is current; the id never changes. */
      async send(content: string): Promise<void> {
        const id = randomUUID();
        for (;;) {
          const socket = this.socket;
          if (socket.closeCode === null) {
            try {
              const frame = await Promise.race([socket.request({ type: "send", id, room, content }, 5_000), socket.closed.then(() => null)]);
              if (frame?.type === "ack") {
                this.acked.set(id, frame.message);
                return;
              }
              if (frame?.type === "error") {
                if (!frame.retryable) throw new Error(`send refused: ${JSON.stringify(frame)}`);
                await sleep(50);
                continue;
              }
            } catch (err) {
              if (socket.closeCode === null && !String(err).includes("timed out")) throw err;
            }
          }
          if (this.socket === socket) {
            await socket.closed;
            await this.open();
          }
        }
      }
    }

    const clients = [new Client(alice), new Client(bob)];
    await waitForSockets(0, 0);
    for (const c of clients) await c.open();
    await waitForSockets(1, 1, "one client on each instance");

    let sending = true;
    const loops = clients.map(async (c, n) => {
      for (let i = 0; sending; i++) {
        await c.send(`${c.user.username} #${i}`);
        await sleep(30 + n * 11);
      }
    });

    const restart = async (old: TestServer, other: TestServer): Promise<TestServer> => {
      const countBefore = clients.reduce((sum, c) => sum + c.acked.size, 0);
      await waitFor(() => clients.reduce((sum, c) => sum + c.acked.size, 0) >= countBefore + 10, { timeoutMs: 10_000, what: "traffic" });
      const sessions = clients.map((c) => c.sessions);
      assert.equal(await old.stop(), 0, "SIGTERM drains and exits 0");
      await waitFor(async () => clients.some((c, i) => c.sessions > sessions[i]!) && (await socketsOn(other)) === 2, {
        timeoutMs: 15_000,
        what: "the stopped instance's client to reconnect and re-join on the surviving instance",
      });
      // The same address and port, as a service manager restarts it.
      const fresh = await startInstance(old.port);
      assert.equal((await fetch(`${fresh.url}/api/health`)).status, 200);
      // nginx skips an instance for fail_timeout after it refused a connection: the next one may
      // be stopped only once nginx sends new sockets here again (least_conn picks the empty one).
      const probeUser = clients[0]!.user;
      await waitFor(
        async () => {
          const probe = await TestSocket.connect(wsUrl, probeUser, { ca: cert });
          const landed = (await socketsOn(fresh)) === 1;
          await probe.close();
          await waitFor(async () => (await socketsOn(fresh)) + (await socketsOn(other)) === 2, { what: "the probe to close" });
          return landed;
        },
        { timeoutMs: 20_000, what: "nginx to route to the restarted instance" },
      );
      return fresh;
    };

    try {
      A = await restart(A, B);
      B = await restart(B, A);
      const beforeEnd = clients.reduce((sum, c) => sum + c.acked.size, 0);
      await waitFor(() => clients.reduce((sum, c) => sum + c.acked.size, 0) >= beforeEnd + 10, { timeoutMs: 10_000, what: "traffic after the restarts" });
    } finally {
      sending = false;
      await Promise.all(loops);
    }

    const acked = clients.flatMap((c) => [...c.acked.values()]);
    const history: Message[] = [];
    for (let cursor = 0; ; ) {
      const page = await request<{ messages: Message[] }>("GET", `/api/rooms/${room}/messages?after=${cursor}&limit=100`, { token: alice.token });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      if (page.body.messages.length === 0) break;
      history.push(...page.body.messages);
      cursor = page.body.messages.at(-1)!.seq;
    }
    assert.deepEqual(history.map((m) => m.seq), history.map((_, i) => i + 1), "gap-free seqs");
    assert.equal(new Set(history.map((m) => m.client_id)).size, history.length, "no client id was stored twice");
    const written = history.filter((m) => m.kind !== "system"); // joins are the room's own lines
    assert.deepEqual(new Set(written.map((m) => m.id)), new Set(acked.map((m) => m.id)), "every acked message stored exactly once, nothing unacked stored");

    const last = history.at(-1)!;
    for (const c of clients) {
      assert.ok(c.sessions >= 2, `${c.user.username} reconnected at least once`);
      await waitFor(() => c.received.some((m) => m.id === last.id), { timeoutMs: 5_000, what: `${c.user.username} to catch up` });
      const expected = history.filter((m) => m.seq > c.baseline).map((m) => m.seq);
      assert.deepEqual(c.received.map((m) => m.seq), expected, `${c.user.username} saw every message after its first join exactly once, in order`);
    }
  });
});
