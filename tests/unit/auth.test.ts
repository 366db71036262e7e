import assert from "node:assert/strict";
import { test } from "node:test";
import { isAllowedOrigin } from "@/server/auth/origin";
import { credentialFrom, decodeToken, issueApiToken, readCookie } from "@/server/auth/tokens";

process.env.NEXTAUTH_SECRET = "unit-test-secret-unit-test-secret";

test("origin: same scheme, host and port, or listed origins only", () => {
  const cases: Array<[string | undefined, string, string, string[], boolean]> = [
    ["http://localhost:3000", "localhost:3000", "http", [], true],
    ["http://localhost:3001", "localhost:3000", "http", [], false],
    ["https://localhost:3000", "localhost:3000", "http", [], false],
    ["http://localhost:3000", "localhost:3000", "https", [], false],
    ["https://chat.example", "chat.example", "https", [], true],
    ["http://chat.example", "chat.example:80", "http", [], true],
    ["ws://localhost:3000", "localhost:3000", "http", [], false],
    ["ftp://localhost:3000", "localhost:3000", "http", [], false],
    ["http://user@localhost:3000", "localhost:3000", "http", [], false],
    ["http://localhost:3000/", "localhost:3000", "http", [], false],
    ["http://localhost:3000.evil.example", "localhost:3000", "http", [], false],
    ["http://localhost.evil.example:3000", "localhost:3000", "http", [], false],
    ["HTTP://LOCALHOST:3000", "localhost:3000", "http", [], false],
    ["https://evil.example", "chat.example", "https", [], false],
    ["https://app.example", "chat.example", "https", ["https://app.example"], true],
    ["http://app.example", "chat.example", "https", ["https://app.example"], false],
    ["null", "chat.example", "http", [], false],
    [undefined, "chat.example", "http", [], false],
    ["http://evil.example", "evil.example@chat.example", "http", [], false],
  ];
  for (const [origin, host, scheme, allowed, expected] of cases) {
    assert.equal(isAllowedOrigin(origin, host, allowed, scheme), expected, `${origin} on ${scheme}://${host}`);
  }
});

test("credentials: Bearer beats ?token= beats the session cookie", () => {
  const cookie = "a=1; next-auth.session-token=cookie%2Dtoken; b=2";
  assert.equal(credentialFrom({ authorization: "Bearer header-token", cookie }, "query-token"), "header-token");
  assert.equal(credentialFrom({ cookie }, "query-token"), "query-token");
  assert.equal(credentialFrom({ cookie }), "cookie-token");
  assert.equal(credentialFrom({ cookie: "__Secure-next-auth.session-token=secure" }), "secure");
  assert.equal(credentialFrom({ authorization: "Basic abc" }), undefined);
  assert.equal(readCookie("x=%E0%A4%A", "x"), undefined, "malformed encoding is ignored, not thrown");
});

test("tokens round-trip; tampered or foreign tokens are rejected", async () => {
  const { token, expiresAt } = await issueApiToken({ id: "4b1f0c52-7c0a-4d43-a0d4-6d1c9b4c1e11", username: "alice" });
  assert.ok(expiresAt.getTime() > Date.now());
  const identity = await decodeToken(token);
  assert.equal(identity?.userId, "4b1f0c52-7c0a-4d43-a0d4-6d1c9b4c1e11");
  assert.equal(identity?.username, "alice");
  assert.equal(await decodeToken(token.slice(0, -4) + "AAAA"), null);
  assert.equal(await decodeToken("garbage"), null);
  process.env.NEXTAUTH_SECRET = "another-secret-another-secret-xx";
  try {
    assert.equal(await decodeToken(token), null);
  } finally {
    process.env.NEXTAUTH_SECRET = "unit-test-secret-unit-test-secret";
  }
});
