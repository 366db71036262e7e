/**
 * Cross-site protection shared by the socket upgrade and REST mutations: an Origin is
 * accepted when it is the request's own origin (same Host) or listed in ALLOWED_ORIGINS.
 */
export function isAllowedOrigin(origin: string | null | undefined, host: string | null | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  if (allowed.includes(origin)) return true;
  try {
    return host != null && new URL(origin).host === host;
  } catch {
    return false;
  }
}
