/**
 * One error type for every layer. Services throw AppError with a contract code; transports
 * map it to an `error` frame or an HTTP status. Anything else is a bug: logged with a
 * correlation id and reported to the client as INTERNAL without internals.
 */
import { randomUUID } from "node:crypto";
import { ErrorCode } from "@/protocol";

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
    readonly details: { field?: string; retryAfterMs?: number } = {},
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

export const isAppError = (err: unknown): err is AppError => typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;

/** Errors from the storage drivers that mean "the database is unreachable", not "bad query". */
function isStorageDown(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "CONNECTION_CLOSED" ||
    code === "CONNECTION_ENDED" ||
    code === "CONNECTION_DESTROYED" ||
    code === "57P01" // admin_shutdown
  );
}

/** Normalizes any thrown value to an AppError; unknown errors get a correlation id to log. */
export function toAppError(err: unknown): { error: AppError; correlationId?: string } {
  if (isAppError(err)) return { error: err };
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (isStorageDown(err) || isStorageDown(cause)) {
    return { error: new AppError("UNAVAILABLE", "storage is unavailable; nothing was stored, retry") };
  }
  const correlationId = randomUUID();
  return { error: new AppError("INTERNAL", `internal error (ref ${correlationId})`), correlationId };
}
