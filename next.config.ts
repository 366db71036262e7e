import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native, WASM and socket-holding packages must be loaded by Node, not bundled, so that
  // route handlers and the custom server share one instance of each through globalThis.
  serverExternalPackages: ["@electric-sql/pglite", "argon2", "ioredis", "postgres", "pino", "ws"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
