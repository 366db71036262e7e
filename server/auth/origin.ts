/**
 * Cross-site protection shared by the socket upgrade and REST mutations. An Origin is accepted
 * when it is exactly this server's own origin — the scheme the client really used (see
 * server/index.ts, which sets `x-forwarded-proto` and drops client-sent forwarding headers
 * unless TRUST_PROXY) plus the Host — or one listed in ALLOWED_ORIGINS (NEXTAUTH_URL's origin
 * is added there). Scheme, host and port must all match; `null`, userinfo, paths and non-web
 * schemes are refused.
 */
export function isAllowedOrigin(
  origin: string | null | undefined,
  host: string | null | undefined,
  allowed: readonly string[],
  scheme: string | null | undefined,
): boolean {
  const candidate = originOf(origin);
  // A browser sends the serialized origin verbatim; any other spelling is not a browser's.
  if (candidate === null || candidate !== origin) return false;
  if (allowed.some((a) => originOf(a) === candidate)) return true;
  if (!host || (scheme !== "http" && scheme !== "https")) return false;
  return originOf(`${scheme}://${host}`) === candidate;
}

/** The serialized origin of an http(s) URL that is nothing but scheme://host[:port], else null. */
function originOf(value: string | null | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return null;
  return url.origin;
}

/** The scheme a request arrived with, as server/index.ts recorded it. */
export const requestScheme = (forwardedProto: string | string[] | null | undefined) =>
  (Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto)?.split(",")[0]?.trim().toLowerCase();
