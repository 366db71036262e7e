import pino from "pino";

/** Tokens, cookies and passwords never reach the logs; nor do SQL parameters (see safeError). */
export function createLogger(level: string) {
  return pino({
    level,
    base: { pid: process.pid },
    serializers: { err: safeError },
    redact: {
      paths: ["token", "password", "*.token", "*.password", "req.headers.cookie", "req.headers.authorization", "headers.cookie", "headers.authorization"],
      censor: "[redacted]",
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;

/**
 * Driver error fields that are safe to log: codes and names of database objects, never values.
 * Everything else is dropped, because drizzle and postgres.js attach the query's parameters
 * (`params`, `parameters`, `args`) and Postgres puts row values in `detail` and `where` — and a
 * parameter may be a message body, a password hash or a token hash.
 */
const SAFE_FIELDS = ["code", "severity", "routine", "constraint", "constraint_name", "table", "table_name", "column", "column_name", "schema_name", "errno", "syscall", "status"] as const;
const MAX_CAUSES = 5;

/** drizzle's DrizzleQueryError message is `Failed query: <sql>\nparams: <values>`. */
function withoutParams(message: string): string {
  const at = message.indexOf("\nparams: ");
  return at < 0 ? message : `${message.slice(0, at)}\nparams: [redacted]`;
}

/**
 * pino's error serializer, minus anything that can carry stored data: the message loses its
 * parameter list, the stack keeps only its frames, and only whitelisted fields are copied.
 * Causes are serialized the same way, a bounded number deep.
 */
export function safeError(err: unknown, depth = 0): unknown {
  if (typeof err !== "object" || err === null || typeof (err as Error).message !== "string") return err;
  const e = err as Error & Record<string, unknown>;
  const type = e.constructor?.name || e.name || "Error";
  const message = withoutParams(e.message);
  const header = `${e.name}: ${e.message}`;
  const frames = typeof e.stack === "string" && e.stack.startsWith(header) ? e.stack.slice(header.length) : "";
  const out: Record<string, unknown> = { type, message, stack: `${type}: ${message}${frames}` };
  for (const key of SAFE_FIELDS) {
    const value = e[key];
    if (typeof value === "string" || typeof value === "number") out[key] = value;
  }
  if (e.cause !== undefined && depth < MAX_CAUSES) out.cause = safeError(e.cause, depth + 1);
  return out;
}
