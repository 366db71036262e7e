/** WS_COMPRESSION: permessage-deflate is negotiated only when on, and large frames arrive intact. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, test } from "node:test";
import { createRoom, registerUser, TestSocket } from "../support/client";
import { startServer, type TestServer } from "../support/server";

const servers: TestServer[] = [];
const sockets: TestSocket[] = [];
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled(servers.map((s) => s.stop()));
});

describe("compression", () => {
  for (const setting of ["on", "off"] as const) {
    test(`WS_COMPRESSION=${setting}`, async () => {
      const server = await startServer({ WS_COMPRESSION: setting });
      servers.push(server);
      const user = await registerUser(server.url, "zip");
      const room = await createRoom(server.url, user);
      const socket = await TestSocket.connect(server.wsUrl, user);
      sockets.push(socket);
      // The ws client offers permessage-deflate, as browsers do.
      assert.equal(socket.ws.extensions.includes("permessage-deflate"), setting === "on");
      await socket.join(room);
      const content = Array.from({ length: 300 }, (_, i) => `large${i}`).join(" ");
      const ack = await socket.request({ type: "send", id: randomUUID(), room, content });
      assert.ok(ack.type === "ack", JSON.stringify(ack).slice(0, 200));
      assert.equal(ack.message.content, content);
    });
  }
});
