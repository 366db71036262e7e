/**
 * Link previews in the distributed shape: two instances on one Postgres (pg-boss jobs) and one
 * Redis. A link sent through instance A is fetched by whichever instance takes the job, and the
 * preview reaches a member connected to instance B as `message_updated`; a second message with
 * the same link reuses the cached fetch (the cache is the shared `link_previews` table).
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { createRoom, registerUser, TestSocket } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

let A: TestServer | undefined;
let B: TestServer | undefined;
let web: http.Server;
let webBase: string;
let fetches = 0;

before(async () => {
  web = http.createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { "content-type": "text/html" }).end(`<title>Shared page</title><meta property="og:site_name" content="Two Instances">`);
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  const env = { ...servicesEnv(), LINK_PREVIEW_ALLOW_HOSTS: "127.0.0.1" };
  A = await startServer(env);
  B = await startServer(env);
});

after(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
  web.closeAllConnections();
  await new Promise((resolve) => web.close(resolve));
});

test("a preview made on one instance reaches a member on the other; the cache is shared", async () => {
  const alice = await registerUser(A!.url, "alice");
  const bob = await registerUser(B!.url, "bob");
  const room = await createRoom(A!.url, alice);
  const a = await TestSocket.connect(A!.wsUrl, alice);
  const b = await TestSocket.connect(B!.wsUrl, bob);
  try {
    await a.join(room);
    await b.join(room);
    const previewOf = async (content: string): Promise<Message> => {
      const from = b.frames.length;
      const ack = await a.request({ type: "send", room, content });
      assert.equal(ack.type, "ack");
      const id = (ack as Extract<ServerFrame, { type: "ack" }>).message.id;
      const frame = await b.next((f) => f.type === "message_updated" && f.message.id === id && f.message.preview !== undefined, { fromIndex: from, timeoutMs: 30_000 });
      return (frame as Extract<ServerFrame, { type: "message_updated" }>).message;
    };
    const first = await previewOf(`${webBase}/shared`);
    assert.deepEqual(first.preview, { url: `${webBase}/shared`, title: "Shared page", site_name: "Two Instances" });
    const second = await previewOf(`again: ${webBase}/shared`);
    assert.equal(second.preview?.title, "Shared page");
    assert.equal(fetches, 1, "the second message used the shared cache");
  } finally {
    await a.close();
    await b.close();
  }
});
