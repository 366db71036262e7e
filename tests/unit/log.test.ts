import assert from "node:assert/strict";
import { test } from "node:test";
import { Writable } from "node:stream";
import pino from "pino";
import { checkStorableJson, isStorableText } from "@/protocol";
import { QueryDate } from "@/protocol/rest";
import { safeError } from "@/server/log";

const SECRET = "private message body";

/** The shape drizzle throws: the parameters are in the message and in `params`. */
function queryError(): Error {
  const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021", detail: `Failing row contains (${SECRET}).`, routine: "report_invalid_encoding" });
  return Object.assign(new Error(`Failed query: insert into "messages" ("content") values ($1)\nparams: ${SECRET}`), { query: 'insert into "messages"', params: [SECRET], parameters: [SECRET], cause });
}

test("error logs keep codes and the query shape, never parameters or row values", () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const log = pino({ serializers: { err: safeError } }, sink);
  log.error({ err: queryError() }, "route handler failed");
  const out = lines.join("");
  assert.ok(!out.includes(SECRET), out);
  const parsed = JSON.parse(out) as { err: { message: string; cause: { code: string; routine: string } } };
  assert.match(parsed.err.message, /^Failed query: insert into "messages"/);
  assert.match(parsed.err.message, /params: \[redacted\]/);
  assert.equal(parsed.err.cause.code, "22021");
  assert.equal(parsed.err.cause.routine, "report_invalid_encoding");
});

test("storable text: no NUL, no unpaired surrogate; JSON checked at every depth, bounded", () => {
  for (const bad of ["a\u0000", "\ud800", "x\udc00y", "\ud83d"]) assert.equal(isStorableText(bad), false, JSON.stringify(bad));
  for (const good of ["", "plain", "emoji 😀", "ü\u0001\t"]) assert.equal(isStorableText(good), true, JSON.stringify(good));
  assert.equal(checkStorableJson({ a: [{ b: "ok" }] }), null);
  assert.match(checkStorableJson({ a: [{ b: "no\u0000" }] }) ?? "", /U\+0000/);
  assert.match(checkStorableJson({ ["k\ud800"]: 1 }) ?? "", /surrogate/);
  let deep: unknown = "x";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.match(checkStorableJson(deep) ?? "", /nest/);
});

test("query dates: years 1 to 9999 only", () => {
  for (const bad of ["+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0000-12-31T23:59:59Z", "+010000-01-01T00:00:00Z", "soon"]) {
    assert.equal(QueryDate.safeParse(bad).success, false, bad);
  }
  for (const good of ["0001-01-01T00:00:00Z", "2026-11-23", "9999-12-31T23:59:59Z"]) assert.equal(QueryDate.safeParse(good).success, true, good);
});
