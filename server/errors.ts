/**
 * One error type for every layer. Services throw AppError with a contract code; transports
 * map it to an `error` frame or an HTTP status. Anything else is a bug: logged with a
 * correlation id and reported to the client as INTERNAL without internals.
 */
import { randomUUID } from "node:crypto";
import { ErrorCode, ErrorReason } from "@/protocol";

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_IN_ROOM: 403,
  RATE_LIMITED: 429,
  INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  ARCHIVED: 403,
  TOO_LARGE: 413,
};

/**
 * Next bundles its own copy of this module for route handlers while the runtime's objects
 * (rate limiters, …) were built from the server's copy, so `instanceof` cannot recognise
 * an AppError across the two: a global brand can.
 */
const BRAND = Symbol.for("confab.AppError");

export class AppError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { field?: string; retryAfterMs?: number; reason?: ErrorReason } = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }

  get retryable(): boolean {
    return this.code === "RATE_LIMITED" || this.code === "UNAVAILABLE";
  }
}

export const invalid = (message: string, field?: string) => new AppError("INVALID", message, { field });
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);
/** Typed, so clients tell a ban from other refusals without reading the message. */
export const bannedFromRoom = () => new AppError("FORBIDDEN", "you are banned from this room", { reason: ErrorReason.BANNED });

/** The REST error body, `{error: {code, message, field?, reason?}}`, the same for every HTTP transport. */
export const errorBody = (error: AppError) => ({
  error: {
    code: error.code,
    message: error.message,
    ...(error.details.field ? { field: error.details.field } : {}),
    ...(error.details.reason ? { reason: error.details.reason } : {}),
  },
});

export const isAppError = (err: unknown): err is AppError => typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;

/** postgres.js and socket errors that mean the connection, not the statement, failed. */
const TRANSIENT_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // The embedded database's worker thread is gone (db/pglite/bridge.ts).
  "PGLITE_WORKER_UNAVAILABLE",
]);

/**
 * SQLSTATEs after which the same request can succeed on retry: the server is shutting down,
 * crashed or starting (57P01–57P03), the connection broke (class 08), too many connections
 * (53300), the statement timed out (57014, our DB_QUERY_TIMEOUT_MS), or the transaction lost
 * a serialization race or a deadlock (40001, 40P01) and was rolled back.
 */
function isTransientSqlState(code: string): boolean {
  return (
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" ||
    code === "57014" ||
    code === "53300" ||
    code === "40001" ||
    code === "40P01" ||
    /^08[0-9A-Z]{3}$/.test(code)
  );
}

/** Errors from the storage drivers that mean "try again", not "bad query": nothing was stored. */
export function isTransientStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (TRANSIENT_CODES.has(code) || isTransientSqlState(code));
}

/** Normalizes any thrown value to an AppError; unknown errors get a correlation id to log. */
export function toAppError(err: unknown): { error: AppError; correlationId?: string } {
  if (isAppError(err)) return { error: err };
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (isTransientStorageError(err) || isTransientStorageError(cause)) {
    return { error: new AppError("UNAVAILABLE", "storage is unavailable; nothing was stored, retry") };
  }
  const correlationId = randomUUID();
  return { error: new AppError("INTERNAL", `internal error (ref ${correlationId})`), correlationId };
}
