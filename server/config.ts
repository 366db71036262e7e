/**
 * The one validated view of the environment. Nothing else reads process.env for settings.
 * A bad value stops start-up with one line naming the variable.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(" or ")}`,
    });

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  DATABASE_URL: optionalUrl(["postgres://", "postgresql://"]),
  REDIS_URL: optionalUrl(["redis://", "rediss://"]),
  /** Postgres connections per instance (Postgres shape only; PGlite serves one at a time). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** Bound on connecting to the database and on each statement; beyond it the caller gets UNAVAILABLE. */
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DB_IDLE_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Statements go out prepared (db/statements.ts). Off for a pooler that cannot keep a prepared
   * statement with its server connection: PgBouncer before 1.21 in transaction mode.
   */
  DATABASE_PREPARE: z
    .enum(["on", "off", "true", "false", "1", "0"])
    .default("on")
    .transform((v) => v === "on" || v === "true" || v === "1"),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** The public URL of the site; when set, sign-in callbacks and invite links use it and its origin is allowed. */
  NEXTAUTH_URL: optionalUrl(["http://", "https://"]).refine((v) => v === undefined || URL.canParse(v), { message: "must be a URL" }),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((o) => o.trim()).filter(Boolean) : []))
    .refine((list) => list.every((o) => /^https?:\/\/[^/]+$/.test(o)), {
      message: "must be a comma-separated list of origins like https://chat.example.com",
    }),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HEARTBEAT_MS: z.coerce.number().int().min(100).default(25_000),
  /**
   * Sockets one turn of the event loop pings at most (~26 µs each, so ~6 ms a turn); a round
   * spreads over as many turns as it needs. One turn over 10,000 sockets was a 260 ms stall.
   */
  HEARTBEAT_SOCKETS_PER_TURN: z.coerce.number().int().min(1).max(100_000).default(250),
  /** Comment lines on idle event streams (GET /api/rooms/:id/events), so proxies keep them open. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(300_000).default(15_000),
  /** The `retry:` hint event streams give clients: how long to wait before reconnecting. */
  SSE_RETRY_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
  /** A typist drops out this long after their last `start` (contract: 3 s). */
  TYPING_TTL_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
  /** Presence entries live this long without a heartbeat, so a dead instance's users go offline. */
  PRESENCE_TTL_MS: z.coerce.number().int().min(500).max(300_000).default(15_000),
  /** Messages one user may send per minute, across all rooms and instances. */
  RATE_MESSAGES_PER_MIN: z.coerce.number().int().min(1).default(30),
  /** Sign-in, registration and token requests per client address per minute. */
  RATE_AUTH_PER_MIN: z.coerce.number().int().min(1).default(10),
  /** Invite acceptances per client address per minute. */
  RATE_INVITES_PER_MIN: z.coerce.number().int().min(1).default(10),
  /** How long one process trusts that a token's user exists and is not disabled. */
  USER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** Rooms one user may create per minute, and in all. */
  RATE_ROOMS_PER_MIN: z.coerce.number().int().min(1).default(10),
  /** Searches one user may run per minute (each is a full-text query over every readable room). */
  RATE_SEARCHES_PER_MIN: z.coerce.number().int().min(1).default(60),
  MAX_ROOMS_PER_USER: z.coerce.number().int().min(1).default(100),
  /** Open sockets per user on one instance. */
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(10),
  /** Members listed in `joined`; bigger rooms page the rest over GET /api/rooms/:id/members. */
  JOINED_MEMBERS_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  /** How often the retention job deletes messages older than each room's retention. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  /** How long an export's download link works; the `exports-expire` job then deletes its files. */
  EXPORT_TTL_MS: z.coerce.number().int().min(1000).max(90 * 86_400_000).default(86_400_000),
  /** Messages an export reads per page (its progress is saved after each). */
  EXPORT_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  /** How often expired export files are deleted. */
  EXPORT_CLEANUP_INTERVAL_MS: z.coerce.number().int().min(100).default(600_000),
  /**
   * Compliance archive: every message, edit and delete written to DATA_DIR/archive before
   * retention may delete it. The default only: once a site admin flips the switch on the admin
   * page, the stored choice (site_settings) wins over this.
   */
  ARCHIVE_ENABLED: z
    .enum(["true", "false", "1", "0", "on", "off"])
    .default("false")
    .transform((v) => v === "true" || v === "1" || v === "on"),
  /** How often the archive job runs (it does nothing while the archive is off and owes nothing). */
  ARCHIVE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long an instance trusts its cached archive switch when the bus lost the change. */
  ARCHIVE_SWITCH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Records one archive transaction takes from a room (one part file per day touched). */
  ARCHIVE_BATCH: z.coerce.number().int().min(1).max(100_000).default(5_000),
  /** Pause between archive batches, to spread a large backlog's I/O over time. */
  ARCHIVE_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** What this process does: `web` serves HTTP + WebSocket, `worker` only consumes jobs, `all` both. */
  CONFAB_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  /** Attempts a job gets (retries back off exponentially) before it is dead-lettered. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Delay before a job's first retry; each further retry doubles it. */
  JOB_RETRY_DELAY_MS: z.coerce.number().int().min(1000).max(3_600_000).default(5_000),
  /** A job still running this long after it started is presumed lost (its worker died) and retried. */
  JOB_TIMEOUT_MS: z.coerce.number().int().min(1000).max(86_400_000).default(900_000),
  /** Registers the test-only `test.sleep` job type (tests/distributed/jobs*.test.ts); never set in production. */
  CONFAB_TEST_JOBS: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Usernames that are site administrators (the first registered user always is). */
  SITE_ADMINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((u) => u.trim().toLowerCase()).filter(Boolean) : [])),
  /** Trust X-Forwarded-For for client addresses (only behind a proxy that sets it). */
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Lets non-loopback scrapers read /metrics with `Authorization: Bearer <token>`. */
  /** How often each instance samples its metrics for the admin dashboard (one hour is kept). */
  METRICS_SAMPLE_MS: z.coerce.number().int().min(250).max(60_000).default(5_000),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Longest a socket frame's handler may run before it answers UNAVAILABLE and the socket's queue moves on. */
  FRAME_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  /** Multiplies every per-socket frame budget (server/limits.ts); raise it for load tests. */
  FRAME_RATE_SCALE: z.coerce.number().positive().max(10_000).default(1),
  /** Sockets that have not authenticated yet, on this instance. */
  MAX_PENDING_HANDSHAKES: z.coerce.number().int().min(1).default(1_000),
  /** Sockets that have not authenticated yet, per client address. */
  MAX_PENDING_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  /**
   * permessage-deflate for frames of 1 KiB and more (smaller frames are never compressed). Off by
   * default: ws deflates per socket, so a large broadcast costs CPU per recipient instead of one
   * encode, and each socket that ever got a large frame keeps a zlib stream.
   */
  WS_COMPRESSION: z
    .enum(["on", "off", "true", "false", "1", "0"])
    .default("off")
    .transform((v) => v === "on" || v === "true" || v === "1"),
  /** Link previews (docs/link-previews.md): a background job fetches each message's first link. */
  LINK_PREVIEWS: z
    .enum(["on", "off", "true", "false", "1", "0"])
    .default("on")
    .transform((v) => v === "on" || v === "true" || v === "1"),
  /**
   * Addresses (IPs or CIDRs) and host names the preview fetcher may reach although they are
   * private or loopback, e.g. `127.0.0.1` for tests or an intranet wiki. Everything else that is
   * not a public unicast address is refused after DNS resolution, on every redirect.
   */
  LINK_PREVIEW_ALLOW_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean) : [])),
  /** How long a fetched preview is reused for every message with the same URL (failures: at most an hour). */
  LINK_PREVIEW_CACHE_TTL_MS: z.coerce.number().int().min(0).max(30 * 86_400_000).default(86_400_000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** Largest file one upload may carry; beyond it the upload is answered 413 and not read further. */
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).max(5 * 1024 ** 3).default(25 * 1024 * 1024),
  /** Bytes one user may keep stored across all their uploads. */
  UPLOAD_QUOTA_BYTES: z.coerce.number().int().min(1).default(1024 ** 3),
  /** Uploads one user may start per minute, across instances. */
  RATE_UPLOADS_PER_MIN: z.coerce.number().int().min(1).default(30),
  /** Images with more pixels than this are refused before decoding (decompression bombs). */
  MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).default(50_000_000),
  /** An upload never attached to a message is deleted this long after it was made. */
  UPLOAD_UNATTACHED_TTL_MS: z.coerce.number().int().min(1000).default(86_400_000),
  /** How often the `uploads-sweep` job deletes unattached and orphaned uploads. */
  UPLOAD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(600_000),
  /** Directory for uploads when S3 is not configured (default DATA_DIR/files); a shared mount serves several instances. */
  FILES_DIR: z.string().trim().min(1).optional(),
  /** S3-compatible object storage for uploads (else FILES_DIR); needed when instances share no directory. */
  S3_BUCKET: z.string().trim().min(1).optional(),
  /** For MinIO, R2, s3rver…; unset for AWS S3 itself. */
  S3_ENDPOINT: optionalUrl(["http://", "https://"]),
  S3_REGION: z.string().trim().min(1).default("us-east-1"),
  /** Both or neither; neither uses the AWS SDK's default credential chain (instance roles…). */
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().trim().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key), which self-hosted S3 servers need. */
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  // ---- The AI assistant (docs/ai.md): off unless AI_BASE_URL names an OpenAI-compatible API.
  /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  AI_BASE_URL: optionalUrl(["http://", "https://"]).refine((v) => v === undefined || URL.canParse(v), { message: "must be a URL" }),
  AI_API_KEY: z.string().optional(),
  /** The model asked for; required with AI_BASE_URL. */
  AI_MODEL: z.string().trim().min(1).max(200).optional(),
  /** The assistant's username: members call it with `@<AI_NAME>`. */
  AI_NAME: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_.-]{3,32}$/, "must be 3–32 letters, digits, '_', '.' or '-'")
    .default("assistant"),
  AI_SYSTEM_PROMPT: z.string().max(20_000).optional(),
  AI_MAX_TOKENS: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  /** Longest wait for the provider's next chunk (the first included) before the reply ends with an error. */
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Messages of the room's recent history in the prompt. */
  AI_CONTEXT_MESSAGES: z.coerce.number().int().min(1).max(200).default(30),
  /** Requests to the assistant one user may make per minute, across instances. */
  RATE_AI_PER_MIN: z.coerce.number().int().min(1).default(10),
  /** A generation nobody watches (requester without a socket, nobody in the room) this long is cancelled. */
  AI_IDLE_CANCEL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** How often a streaming reply's text so far is written to its message row. */
  AI_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Under load, a streaming reply's text goes out at most once per this many ms (0: every chunk at once). */
  AI_DELTA_WINDOW_MS: z.coerce.number().int().min(0).max(2_000).default(100),
  /** Coalescing applies while at least this many generations run on the instance. */
  AI_COALESCE_FROM: z.coerce.number().int().min(1).max(100_000).default(4),
  /** The widest the delta window grows with the replies running and the event loop's lag. */
  AI_DELTA_WINDOW_MAX_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
}).superRefine((env, ctx) => {
  if (env.AI_BASE_URL && !env.AI_MODEL) ctx.addIssue({ code: "custom", path: ["AI_MODEL"], message: "is required when AI_BASE_URL is set" });
  if (env.S3_ENDPOINT && !env.S3_BUCKET) ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "must be set when S3_ENDPOINT is" });
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({ code: "custom", path: [env.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"], message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together" });
  }
});

export type Config = Omit<z.infer<typeof EnvSchema>, "NEXTAUTH_SECRET" | "FILES_DIR"> & { NEXTAUTH_SECRET: string; FILES_DIR: string };

export class ConfigError extends Error {}

/** Validates `env`; throws ConfigError with a one-line message naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): z.infer<typeof EnvSchema> {
  // An empty variable (FOO= in a .env file or compose file) means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const result = EnvSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(`Invalid ${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? "")})`);
  }
  return result.data;
}

/**
 * Loads config for the server process. When NEXTAUTH_SECRET is absent one is generated once
 * and kept in DATA_DIR, so sessions survive restarts; it is exported to process.env because
 * next-auth inside the Next route handlers reads it from there.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = parseConfig(env);
  const dataDir = path.resolve(parsed.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  let secret = parsed.NEXTAUTH_SECRET;
  if (!secret) {
    const file = path.join(dataDir, "nextauth-secret");
    if (existsSync(file)) secret = readFileSync(file, "utf8").trim();
    if (!secret || secret.length < 16) {
      secret = randomBytes(32).toString("base64url");
      writeFileSync(file, secret, { mode: 0o600 });
    }
  }
  process.env.NEXTAUTH_SECRET = secret;
  const ALLOWED_ORIGINS = parsed.NEXTAUTH_URL ? [...parsed.ALLOWED_ORIGINS, new URL(parsed.NEXTAUTH_URL).origin] : parsed.ALLOWED_ORIGINS;
  const FILES_DIR = path.resolve(parsed.FILES_DIR ?? path.join(dataDir, "files"));
  return { ...parsed, ALLOWED_ORIGINS, DATA_DIR: dataDir, FILES_DIR, NEXTAUTH_SECRET: secret };
}
