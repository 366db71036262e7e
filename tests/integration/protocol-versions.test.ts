/**
 * `/ws?v=N`: the versions in SUPPORTED_PROTOCOLS are served (no `v` means the current one);
 * anything else is closed with 4400 and a reason naming the range the server speaks.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CloseCode, PROTOCOL_VERSION, SUPPORTED_PROTOCOLS } from "@/protocol";
import { registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let user: TestUser;

before(async () => {
  server = await startServer();
  user = await registerUser(server.url, "vera");
});
after(async () => {
  await server.stop();
});

test("a supported version, or none, is served and ready names the server's version", async () => {
  for (const query of [`?v=${PROTOCOL_VERSION}`, `?v=${SUPPORTED_PROTOCOLS.min}`, ""]) {
    const socket = await TestSocket.open(`${server.wsUrl}${query}`, { token: user.token });
    const ready = await socket.next("ready");
    assert.equal(ready.type === "ready" && ready.protocol, PROTOCOL_VERSION, `query ${JSON.stringify(query)}`);
    await socket.close();
  }
});

test("an unsupported version is closed with 4400 and the supported range", async () => {
  for (const v of [String(SUPPORTED_PROTOCOLS.max + 1), "0", "abc", "1.5", "99999999"]) {
    const socket = await TestSocket.open(`${server.wsUrl}?v=${encodeURIComponent(v)}`, { token: user.token });
    const code = await socket.closed;
    assert.equal(code, CloseCode.UNSUPPORTED_PROTOCOL, `v=${v}`);
    assert.match(socket.closeReason, new RegExp(`${SUPPORTED_PROTOCOLS.min}–${SUPPORTED_PROTOCOLS.max}`));
    assert.ok(!socket.frames.some((f) => f.type === "ready"), "never authenticated");
  }
});
