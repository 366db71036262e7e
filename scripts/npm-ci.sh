#!/usr/bin/env bash
# `npm ci` with the project's one tolerated lockfile gap:
#
#   bash scripts/npm-ci.sh [npm ci options...]     e.g. --omit=dev --no-audit --no-fund
#
# Runs `npm ci "$@"`. When npm refuses only because the lockfile lacks entries for optional,
# platform-specific packages (e.g. @tailwindcss/oxide-darwin-arm64: a lockfile written where
# the registry does not serve other platforms' binaries), installs the same versions with
# `npm install --no-save "$@"` and restores the lockfile, so the tree is left unchanged.
# Anything else (a real package.json / lockfile drift, an "Invalid:" version) still fails.
# Used by .ci/run and deploy/Dockerfile, so CI and the image install the same way.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ci_log="$(mktemp)"
lock_backup="$(mktemp)"
trap 'rm -f "$ci_log" "$lock_backup"' EXIT

only_optional_platform_entries_missing() {
  grep -q 'code EUSAGE' "$1" || return 1
  node - "$1" <<'NODE'
const fs = require("node:fs");
const out = fs.readFileSync(process.argv[2], "utf8");
if (/\bInvalid: /.test(out)) process.exit(1);
const missing = [...out.matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
if (missing.length === 0) process.exit(1);
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const optional = new Set();
for (const pkg of Object.values(lock.packages ?? {})) {
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) optional.add(name);
}
const required = missing.filter((name) => !optional.has(name));
if (required.length) {
  console.error(`not optional: ${required.join(", ")}`);
  process.exit(1);
}
console.error(`lockfile lacks only ${missing.length} optional platform package(s): ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}`);
NODE
}

if npm ci "$@" 2>&1 | tee "$ci_log"; then exit 0; fi
if ! only_optional_platform_entries_missing "$ci_log"; then
  echo "error: npm ci failed (see above)" >&2
  exit 1
fi
echo "warning: npm ci refused an incomplete lockfile (optional platform packages only); installing with npm install --no-save" >&2
cp package-lock.json "$lock_backup"
status=0
npm install --no-save "$@" || status=$?
cp "$lock_backup" package-lock.json
exit "$status"
