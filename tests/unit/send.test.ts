import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { attachTransport, sendFrame } from "@/server/realtime/send";

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

test("frames written in one tick wait for its end together, then arrive whole and in order", async () => {
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer();
  const accepted = new Promise<{ ws: WebSocket; transport: Duplex }>((resolve) =>
    http.on("upgrade", (req, transport: Duplex, head: Buffer) =>
      wss.handleUpgrade(req, transport, head, (ws) => {
        attachTransport(ws, transport);
        resolve({ ws, transport });
      }),
    ),
  );
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const received: number[] = [];
  client.on("message", (data) => received.push((JSON.parse(String(data)) as { n: number }).n));
  const { ws, transport } = await accepted;
  await once(client, "open");
  try {
    for (let i = 0; i < 50; i++) sendFrame(ws, JSON.stringify({ type: "pong", n: i }));
    // Uncorked, each small write goes straight to the kernel and nothing stays buffered.
    assert.equal(transport.writableCorked, 1, "the connection is corked once, however many frames");
    assert.ok(transport.writableLength > 50 * 10, "the tick's frames are buffered together");

    await nextTick();
    assert.equal(transport.writableCorked, 0, "uncorked when the tick ends");
    assert.equal(transport.writableLength, 0, "and written");
    while (received.length < 50) await once(client, "message");
    assert.deepEqual(received, Array.from({ length: 50 }, (_, i) => i));

    // A later tick's frame is held only until that tick's end.
    sendFrame(ws, JSON.stringify({ type: "pong", n: 50 }));
    assert.equal(transport.writableCorked, 1);
    await nextTick();
    assert.equal(transport.writableCorked, 0);
    while (received.length < 51) await once(client, "message");
    assert.equal(received[50], 50);
  } finally {
    client.terminate();
    ws.terminate();
    wss.close();
    http.close();
  }
});
