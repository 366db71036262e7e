import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError, toAppError } from "@/server/errors";

const withCode = (code: string) => Object.assign(new Error(`failed (${code})`), { code });
/** drizzle wraps driver errors, keeping the driver's as `cause`. */
const wrapped = (code: string) => Object.assign(new Error("Failed query: insert …"), { cause: withCode(code) });

describe("toAppError: storage errors", () => {
  const transient = [
    "57P01", // admin shutdown
    "57P02", // crash shutdown
    "57P03", // cannot connect now (starting up)
    "57014", // statement timeout
    "08000",
    "08003",
    "08006",
    "08001",
    "08P01",
    "53300", // too many connections
    "40001", // serialization failure
    "40P01", // deadlock
    "CONNECT_TIMEOUT",
    "CONNECTION_CLOSED",
    "CONNECTION_ENDED",
    "CONNECTION_DESTROYED",
    "ECONNREFUSED",
    "ECONNRESET",
    "PGLITE_WORKER_UNAVAILABLE",
  ];
  for (const code of transient) {
    it(`${code} is UNAVAILABLE and retryable, directly or as a cause`, () => {
      for (const err of [withCode(code), wrapped(code)]) {
        const { error, correlationId } = toAppError(err);
        assert.equal(error.code, "UNAVAILABLE");
        assert.equal(error.retryable, true);
        assert.equal(error.status, 503);
        assert.equal(correlationId, undefined);
      }
    });
  }

  for (const code of ["23505", "42P01", "22P02", "42601", "53100", "57000", "0800", "080000", "UNDEFINED_VALUE"]) {
    it(`${code} is INTERNAL with a correlation id`, () => {
      const { error, correlationId } = toAppError(wrapped(code));
      assert.equal(error.code, "INTERNAL");
      assert.equal(error.retryable, false);
      assert.ok(correlationId);
    });
  }

  it("keeps AppErrors and reports errors without a code as INTERNAL", () => {
    const own = new AppError("NOT_FOUND", "room not found");
    assert.equal(toAppError(own).error, own);
    assert.equal(toAppError(new Error("boom")).error.code, "INTERNAL");
    assert.equal(toAppError(null).error.code, "INTERNAL");
  });
});
