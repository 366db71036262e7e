import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig, parseConfig } from "@/server/config";

test("defaults give the embedded shape on port 3000", () => {
  const config = parseConfig({});
  assert.equal(config.PORT, 3000);
  assert.equal(config.DATA_DIR, "./data");
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.REDIS_URL, undefined);
  assert.deepEqual(config.ALLOWED_ORIGINS, []);
});

test("empty variables count as unset", () => {
  assert.equal(parseConfig({ DATABASE_URL: "", PORT: " " }).PORT, 3000);
});

test("a bad value throws one line naming the variable", () => {
  const cases: Array<[string, string]> = [
    ["PORT", "70000"],
    ["PORT", "http"],
    ["DATABASE_URL", "mysql://db"],
    ["REDIS_URL", "localhost:6379"],
    ["ALLOWED_ORIGINS", "https://ok.example, ftp://bad"],
    ["NEXTAUTH_SECRET", "short"],
    ["LOG_LEVEL", "loud"],
  ];
  for (const [name, value] of cases) {
    assert.throws(
      () => parseConfig({ [name]: value }),
      (err: unknown) => err instanceof ConfigError && err.message.startsWith(`Invalid ${name}:`) && !err.message.includes("\n"),
      name,
    );
  }
});

test("ALLOWED_ORIGINS is a trimmed list", () => {
  assert.deepEqual(parseConfig({ ALLOWED_ORIGINS: "https://a.example, http://b.example:8080" }).ALLOWED_ORIGINS, ["https://a.example", "http://b.example:8080"]);
});

test("a missing NEXTAUTH_SECRET is generated once and kept in DATA_DIR", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "confab-config-"));
  const saved = process.env.NEXTAUTH_SECRET;
  try {
    const first = loadConfig({ DATA_DIR: dir });
    assert.ok(first.NEXTAUTH_SECRET.length >= 32);
    assert.equal(readFileSync(path.join(dir, "nextauth-secret"), "utf8"), first.NEXTAUTH_SECRET);
    assert.equal(loadConfig({ DATA_DIR: dir }).NEXTAUTH_SECRET, first.NEXTAUTH_SECRET);
    assert.equal(loadConfig({ DATA_DIR: dir, NEXTAUTH_SECRET: "an explicit secret value" }).NEXTAUTH_SECRET, "an explicit secret value");
  } finally {
    process.env.NEXTAUTH_SECRET = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("limits, presence and admin settings have safe defaults and parse lists", () => {
  const config = parseConfig({});
  assert.deepEqual(
    [config.RATE_MESSAGES_PER_MIN, config.RATE_AUTH_PER_MIN, config.MAX_SOCKETS_PER_USER, config.PRESENCE_TTL_MS, config.TRUST_PROXY],
    [30, 10, 10, 15_000, false],
  );
  assert.deepEqual(parseConfig({ SITE_ADMINS: "Alice, bob ,," }).SITE_ADMINS, ["alice", "bob"]);
  assert.equal(parseConfig({ TRUST_PROXY: "1" }).TRUST_PROXY, true);
  assert.throws(() => parseConfig({ TRUST_PROXY: "yes please" }), /Invalid TRUST_PROXY/);
  assert.throws(() => parseConfig({ TYPING_TTL_MS: "10" }), /Invalid TYPING_TTL_MS/);
});

test("database pool size, query and idle timeouts default to 10, 5 s and 60 s, statements go out prepared, and nonsense is refused", () => {
  const defaults = parseConfig({});
  assert.equal(defaults.DATABASE_POOL_MAX, 10);
  assert.equal(defaults.DB_QUERY_TIMEOUT_MS, 5_000);
  assert.equal(defaults.DB_IDLE_TIMEOUT_S, 60);
  const set = parseConfig({ DATABASE_POOL_MAX: "40", DB_QUERY_TIMEOUT_MS: "1500", DB_IDLE_TIMEOUT_S: "5" });
  assert.equal(set.DATABASE_POOL_MAX, 40);
  assert.equal(set.DB_QUERY_TIMEOUT_MS, 1_500);
  assert.equal(set.DB_IDLE_TIMEOUT_S, 5);
  assert.equal(defaults.DATABASE_PREPARE, true);
  assert.equal(parseConfig({ DATABASE_PREPARE: "off" }).DATABASE_PREPARE, false);
  assert.equal(parseConfig({ DATABASE_PREPARE: "0" }).DATABASE_PREPARE, false);
  for (const [name, value] of [
    ["DATABASE_PREPARE", "no"],
    ["DATABASE_POOL_MAX", "0"],
    ["DATABASE_POOL_MAX", "ten"],
    ["DB_QUERY_TIMEOUT_MS", "10"],
    ["DB_IDLE_TIMEOUT_S", "0"],
  ] as const) {
    assert.throws(() => parseConfig({ [name]: value }), (err: unknown) => err instanceof ConfigError && err.message.startsWith(`Invalid ${name}:`), name);
  }
});

test("the assistant is off without AI_BASE_URL and needs AI_MODEL with it", () => {
  const off = parseConfig({});
  assert.equal(off.AI_BASE_URL, undefined);
  assert.equal(off.AI_NAME, "assistant");
  assert.equal(off.AI_CONTEXT_MESSAGES, 30);
  assert.equal(off.RATE_AI_PER_MIN, 10);
  assert.throws(
    () => parseConfig({ AI_BASE_URL: "http://localhost:11434/v1" }),
    (err: unknown) => err instanceof ConfigError && err.message.startsWith("Invalid AI_MODEL:"),
  );
  assert.equal(parseConfig({ AI_BASE_URL: "http://localhost:11434/v1", AI_MODEL: "llama3.2" }).AI_MODEL, "llama3.2");
  for (const [name, value] of [["AI_BASE_URL", "localhost:11434"], ["AI_NAME", "a b"], ["AI_TIMEOUT_MS", "5"]] as const) {
    assert.throws(() => parseConfig({ AI_MODEL: "m", [name]: value }), (err: unknown) => err instanceof ConfigError && err.message.startsWith(`Invalid ${name}:`), name);
  }
});

test("uploads: defaults, and S3 settings that must go together", () => {
  const config = parseConfig({});
  assert.equal(config.MAX_UPLOAD_BYTES, 25 * 1024 * 1024);
  assert.equal(config.UPLOAD_QUOTA_BYTES, 1024 ** 3);
  assert.equal(config.S3_BUCKET, undefined);
  assert.equal(config.S3_FORCE_PATH_STYLE, true);
  const s3 = parseConfig({ S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "files", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_FORCE_PATH_STYLE: "false" });
  assert.equal(s3.S3_BUCKET, "files");
  assert.equal(s3.S3_FORCE_PATH_STYLE, false);
  const refused: Array<[Record<string, string>, string]> = [
    [{ S3_ENDPOINT: "http://127.0.0.1:9000" }, "S3_BUCKET"],
    [{ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "k" }, "S3_SECRET_ACCESS_KEY"],
    [{ S3_BUCKET: "files", S3_SECRET_ACCESS_KEY: "s" }, "S3_ACCESS_KEY_ID"],
    [{ S3_BUCKET: "files", S3_ENDPOINT: "ftp://x" }, "S3_ENDPOINT"],
    [{ MAX_UPLOAD_BYTES: "0" }, "MAX_UPLOAD_BYTES"],
  ];
  for (const [env, name] of refused) {
    assert.throws(
      () => parseConfig(env),
      (err: unknown) => err instanceof ConfigError && err.message.startsWith(`Invalid ${name}:`),
      name,
    );
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "confab-config-"));
  try {
    assert.equal(loadConfig({ DATA_DIR: dataDir }).FILES_DIR, path.join(dataDir, "files"));
    assert.equal(loadConfig({ DATA_DIR: dataDir, FILES_DIR: "/srv/shared" }).FILES_DIR, "/srv/shared");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
