#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find: static checks, unit, the real
# server (embedded), two instances on real Postgres + Redis, then Chromium end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

phase() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }

phase "typecheck"
npm run --silent typecheck
phase "lint"
npm run --silent lint
phase "unit"
npm run --silent test:unit
phase "build (production)"
npm run --silent build
phase "integration (embedded: PGlite + in-process bus)"
npm run --silent test:integration
phase "security (authorization matrix, Origin table, fuzzer, hostile input)"
npm run --silent test:security
phase "distributed (2 instances on Postgres + Redis)"
npm run --silent test:distributed
phase "faults (kill -9, SIGTERM, Redis and Postgres restarts under load; starts its own Postgres + Redis)"
npm run --silent test:faults
phase "e2e (Playwright + Chromium)"
npm run --silent test:e2e
phase "all tests passed"
