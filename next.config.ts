import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

// Interface languages: i18n/request.ts picks the language and messages for each request.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
  // Native, WASM and socket-holding packages must be loaded by Node, not bundled, so that
  // route handlers and the custom server share one instance of each through globalThis.
  serverExternalPackages: ["@electric-sql/pglite", "argon2", "ioredis", "postgres", "pino", "ws"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default withNextIntl(nextConfig);
