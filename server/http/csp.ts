/**
 * The Content-Security-Policy of pages (pure, so proxy.ts can import it). Scripts only from
 * this origin with this response's nonce (Next stamps it on its own scripts); `strict-dynamic` lets those load their chunks. Style elements need the nonce too;
 * style attributes (per-user colours) are allowed, as they cannot run code. `connect-src 'self'`
 * covers the same-origin ws:// and wss:// socket.
 */
export function pageCsp(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
