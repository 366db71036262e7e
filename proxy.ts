/**
 * Next 16 proxy (formerly middleware): a fresh CSP nonce per page request. Next reads the
 * nonce from the request's Content-Security-Policy header and stamps it on its own scripts,
 * which is why every page is dynamically rendered (the root layout reads the session).
 * `/ws` must stay out of the matcher: Next would end the socket upgrade.
 */
import { NextResponse, type NextRequest } from "next/server";
import { pageCsp } from "@/server/http/csp";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = pageCsp(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|ws$|ws/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
