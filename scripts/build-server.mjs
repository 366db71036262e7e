#!/usr/bin/env node
/**
 * Compiles the custom server (server/index.ts) and the embedded database's worker thread to
 * plain JavaScript in dist/, so production runs `node dist/server.mjs` without a TypeScript
 * loader. npm packages stay external (node_modules resolves them at run time); the `@/` alias
 * comes from tsconfig.json. Files the code finds next to itself through import.meta.url
 * (migrations, the worker threads) are laid out in dist/ where the bundle looks for them.
 */
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist");

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    server: "server/index.ts",
    // db/pglite/bridge.ts starts `new URL("./worker-entry.mjs", import.meta.url)`: in the bundle
    // that is dist/worker-entry.mjs, the compiled worker (no tsx register step needed).
    "worker-entry": "db/pglite/worker.ts",
    // Likewise server/ai/provider-thread.ts starts `./provider-worker-entry.mjs`.
    "provider-worker-entry": "server/ai/provider-worker.ts",
  },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // Dynamic imports stay lazy chunks, so the embedded shape never loads Redis, postgres.js or pg-boss.
  splitting: true,
  // Chunks sit beside server.mjs: their import.meta.url must find worker-entry.mjs and migrations/.
  chunkNames: "[name]-[hash]",
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  tsconfig: path.join(root, "tsconfig.json"),
  logLevel: "warning",
});
// db/client.ts reads its migrations from `migrations/` beside itself.
cpSync(path.join(root, "db", "migrations"), path.join(outdir, "migrations"), { recursive: true });
console.log("confab: compiled the server into dist/");
