import pino from "pino";

/** Tokens, cookies and passwords never reach the logs. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { pid: process.pid },
    redact: {
      paths: ["token", "password", "*.token", "*.password", "req.headers.cookie", "req.headers.authorization", "headers.cookie", "headers.authorization"],
      censor: "[redacted]",
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
