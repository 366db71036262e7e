/**
 * The Content-Security-Policy of pages (pure, so proxy.ts can import it). Scripts only from
 * this origin with this response's nonce (Next stamps it on its own scripts); `strict-dynamic` lets those load their chunks. Style elements need the nonce too;
 * style attributes (per-user colours) are allowed, as they cannot run code. `connect-src 'self'`
 * covers the same-origin ws:// and wss:// socket. `'wasm-unsafe-eval'` lets WebAssembly compile
 * (the voice-activity model of voice notes; it does not allow eval of JavaScript), and
 * `media-src blob:` plays a voice note back before it is sent.
 */
export function pageCsp(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
