import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { decode, encode } from "next-auth/jwt";
import { issueApiToken, decodeToken } from "@/server/auth/tokens";

const secret = "unit-test-secret-unit-test-secret";
process.env.NEXTAUTH_SECRET = secret;

test("session tokens made by next-auth verify, and tokens we issue decode with next-auth", async () => {
  const session = await encode({ token: { sub: "u1", name: "alice" }, secret });
  assert.equal((await decodeToken(session))?.userId, "u1");
  const { token } = await issueApiToken({ id: "u2", username: "bob" });
  assert.equal((await decode({ token, secret }))?.sub, "u2");
});

test("a cached token stops verifying once it expires", async (t) => {
  mock.timers.enable({ apis: ["Date"], now: Date.now() });
  t.after(() => mock.timers.reset());
  const token = await encode({ token: { sub: "u1", name: "alice" }, secret, maxAge: 60 });
  assert.ok(await decodeToken(token), "valid and now cached");
  assert.ok(await decodeToken(token), "answered from the cache");
  mock.timers.tick(60_000 + 16_000);
  assert.equal(await decodeToken(token), null, "expiry (with next-auth's 15 s tolerance) holds for cached tokens");
});

test("a token tampered with or made with another secret is refused", async () => {
  const token = await encode({ token: { sub: "u1", name: "alice" }, secret });
  const flipped = token.slice(0, -3) + (token.at(-3) === "A" ? "B" : "A") + token.slice(-2);
  assert.equal(await decodeToken(flipped), null);
  assert.equal(await decodeToken(await encode({ token: { sub: "u1", name: "alice" }, secret: "another-secret-another-secret" })), null);
});

test("every socket of one token shares one identity, which nobody can change", async () => {
  const token = await encode({ token: { sub: "u3", name: "carol" }, secret, maxAge: 60 });
  const first = await decodeToken(token);
  assert.ok(first);
  assert.equal(await decodeToken(token), first, "the same object, not a copy per connect");
  assert.ok(Object.isFrozen(first));
});
