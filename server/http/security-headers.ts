/**
 * Response headers that hold on every response, set by server/index.ts before Next sees the
 * request (pages get their Content-Security-Policy from proxy.ts, see ./csp.ts), and the
 * request hygiene done at the same point.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // Invite links carry their token in the path; no page should hand its URL to another site.
  "referrer-policy": "no-referrer",
  // Voice messages record from the microphone on our own pages; nothing framed or foreign may.
  "permissions-policy": "camera=(), microphone=(self), geolocation=(), payment=(), usb=(), interest-cohort=()",
  "cross-origin-opener-policy": "same-origin",
};

/** JSON answers and anything else that is not a page: nothing may load, run or frame it. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Forwarding headers describe the client only when a trusted proxy wrote them. Without
 * TRUST_PROXY they are dropped and `x-forwarded-proto` is set to the scheme of our own socket,
 * so next-auth, Origin checks and invite links see the Host and scheme the client really used.
 */
export function normalizeForwarding(req: IncomingMessage, trustProxy: boolean): void {
  const own = (req.socket as Partial<TLSSocket>).encrypted ? "https" : "http";
  const claimed = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]?.trim().toLowerCase();
  if (!trustProxy) {
    for (const name of ["x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "forwarded"]) delete req.headers[name];
  }
  req.headers["x-forwarded-proto"] = trustProxy && (claimed === "http" || claimed === "https") ? claimed : own;
}

/** Whether the path's percent-encoding decodes (Next answers a malformed one with a bare 500). */
export function hasDecodablePath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?")[0]!;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  // Pages get their nonce policy from proxy.ts; everything under /api is data.
  if (req.url?.startsWith("/api/")) res.setHeader("content-security-policy", NON_PAGE_CSP);
}

export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-security-policy", NON_PAGE_CSP);
  res.end(JSON.stringify({ error: { code, message } }));
}
