#!/usr/bin/env node
/**
 * `npm start`: builds the Next app and the compiled server (`npm run build`) when either is
 * missing or the sources are newer than it, then runs the production server with plain node
 * (dist/server.mjs). Signals are passed through so SIGTERM still shuts down gracefully.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildId = path.join(root, ".next", "BUILD_ID");
const compiledServer = path.join(root, "dist", "server.mjs");
const sources = ["app", "components", "hooks", "lib", "protocol", "server", "db", "next.config.ts", "package-lock.json", "postcss.config.mjs", "scripts/build-server.mjs"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

const builtAt = Math.min(...[buildId, compiledServer].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
const changedAt = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (builtAt < changedAt) {
  console.log(builtAt ? "confab: sources changed since the last build; rebuilding…" : "confab: first start; building the app (about a minute)…");
  const steps = [
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
    [path.join(root, "scripts", "build-server.mjs")],
  ];
  for (const args of steps) {
    const build = spawnSync(process.execPath, args, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" },
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
}

const child = spawn(process.execPath, ["--enable-source-maps", compiledServer], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
