/**
 * MAX_SOCKETS_PER_USER holds across instances: two sockets on different instances fill a cap
 * of 2, a third on either is closed with 4008, and closing one frees a place at once.
 * Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CloseCode } from "@/protocol";
import { registerUser, TestSocket } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

let A: TestServer;
let B: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  const env = { ...servicesEnv(), MAX_SOCKETS_PER_USER: "2" };
  A = await startServer(env);
  B = await startServer(env);
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.all([A?.stop(), B?.stop()]);
});

test("the socket cap counts a user's sockets on every instance", async () => {
  const user = await registerUser(A.url, "tabs");
  const onA = await TestSocket.connect(A.wsUrl, user);
  const onB = await TestSocket.connect(B.wsUrl, user);
  sockets.push(onA, onB);

  for (const server of [A, B]) {
    const extra = await TestSocket.open(server.wsUrl, { token: user.token });
    sockets.push(extra);
    assert.equal(await extra.closed, CloseCode.RATE_LIMITED, `a third socket on ${server === A ? "A" : "B"} is refused`);
    assert.match(extra.closeReason, /at most 2/);
  }

  await onB.close();
  // The release is sent as the socket closes; the next socket on the other instance gets its place.
  let replacement: TestSocket | undefined;
  for (let attempt = 0; attempt < 20 && !replacement; attempt++) {
    const candidate = await TestSocket.open(A.wsUrl, { token: user.token });
    sockets.push(candidate);
    const first = await Promise.race([candidate.next("ready").then(() => "ready" as const), candidate.closed.then(() => "closed" as const)]);
    if (first === "ready") replacement = candidate;
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(replacement, "a place freed on B is usable on A");
});
