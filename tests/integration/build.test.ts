/**
 * The compiled server (`npm run build` → dist/) must run on plain node with only the
 * production dependencies installed: every package it imports is a `dependency`, never a
 * devDependency such as tsx, and its relative imports resolve inside dist/. (Every other
 * integration suite runs the server from dist/ as well.)
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { test } from "node:test";

const root = path.resolve(import.meta.dirname, "../..");
const dist = path.join(root, "dist");

test("dist/ imports only node builtins, its own chunks and production dependencies", () => {
  assert.ok(existsSync(path.join(dist, "server.mjs")), "run `npm run build` first");
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const files = readdirSync(dist).filter((f) => f.endsWith(".mjs"));
  assert.ok(files.includes("worker-entry.mjs"), "the PGlite worker is compiled too");
  const specifiers = new Set<string>();
  for (const file of files) {
    const source = readFileSync(path.join(dist, file), "utf8");
    for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"([^"]+)"/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith("./")) {
        assert.ok(existsSync(path.join(dist, specifier)), `${file} imports ${specifier}, which is not in dist/`);
        continue;
      }
      specifiers.add(specifier);
    }
  }
  assert.ok(specifiers.has("next"), "the scan found the server's imports");
  for (const specifier of specifiers) {
    if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
    const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
    assert.ok(name in pkg.dependencies, `dist/ imports ${specifier}, but ${name} is not a production dependency`);
  }
});
