/**
 * Fetches a page for a link preview without letting a message author aim the server at
 * anything private. request-filtering-agent checks the address every connection actually
 * uses, after DNS resolution (so a public name that resolves to 10.0.0.1 or 127.0.0.1, or
 * rebinds to it, is refused), and refuses every non-unicast range: private, loopback,
 * link-local (169.254.169.254, the cloud metadata address), CGNAT, multicast, reserved and
 * the unspecified address. Redirects are followed by hand, one new filtered connection per
 * hop, so each hop's target is checked the same way.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import zlib from "node:zlib";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent, type RequestFilteringAgentOptions } from "request-filtering-agent";

export const MAX_REDIRECTS = 5;
export const MAX_BYTES = 1024 * 1024;
export const FETCH_TIMEOUT_MS = 5_000;

/** Why no page was read; the job caches it with the URL and logs it. */
export type RefusalReason = "blocked" | "bad_scheme" | "too_many_redirects" | "too_large" | "not_html" | "timeout" | "http_status" | "network";

export class PreviewRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "PreviewRefusal";
  }
}

export interface FetchOptions {
  /** LINK_PREVIEW_ALLOW_HOSTS: IPs/CIDRs the filter lets through, and host names it trusts. */
  allow: readonly string[];
  timeoutMs?: number;
}

export interface FetchedPage {
  /** Where the last redirect led. */
  url: string;
  html: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
const USER_AGENT = "ConfabLinkPreview/1 (chat link previews)";

const isAddressEntry = (entry: string) => net.isIP(entry) !== 0 || (entry.includes("/") && net.isIP(entry.split("/")[0]!) !== 0);

/** Fetches `url` as HTML within the limits; throws PreviewRefusal with the reason otherwise. */
export async function fetchPage(url: string, { allow, timeoutMs = FETCH_TIMEOUT_MS }: FetchOptions): Promise<FetchedPage> {
  const addresses = allow.filter(isAddressEntry);
  const hostnames = new Set(allow.filter((entry) => !isAddressEntry(entry)));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      if (current.protocol !== "http:" && current.protocol !== "https:") throw new PreviewRefusal("bad_scheme", `only http and https links are previewed (got ${current.protocol})`);
      const filter: RequestFilteringAgentOptions = { allowIPAddressList: addresses, allowPrivateIPAddress: hostnames.has(current.hostname.toLowerCase()) };
      const response = await request(current, filter, controller.signal);
      if (REDIRECTS.has(response.statusCode ?? 0)) {
        response.resume();
        const location = response.headers.location;
        if (!location) throw new PreviewRefusal("http_status", `redirect ${response.statusCode} without a location`);
        if (hop >= MAX_REDIRECTS) throw new PreviewRefusal("too_many_redirects", `more than ${MAX_REDIRECTS} redirects`);
        current = new URL(location, current);
        continue;
      }
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        response.resume();
        throw new PreviewRefusal("http_status", `the page answered ${status}`);
      }
      const [type, ...params] = (response.headers["content-type"] ?? "").split(";").map((p) => p.trim().toLowerCase());
      if (!type || !HTML_TYPES.has(type)) {
        response.resume();
        throw new PreviewRefusal("not_html", `not an HTML page (${type || "no content type"})`);
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > MAX_BYTES) {
        response.destroy();
        throw new PreviewRefusal("too_large", `the page is larger than ${MAX_BYTES} bytes`);
      }
      const body = await readBody(response, controller.signal);
      const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
      return { url: current.href, html: decode(body, charset) };
    }
  } catch (err) {
    if (controller.signal.aborted) throw new PreviewRefusal("timeout", `no complete answer within ${timeoutMs} ms`);
    if (err instanceof PreviewRefusal) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // request-filtering-agent's refusals say "... is not allowed. Because, It is private IP address."
    if (/is not allowed/.test(message)) throw new PreviewRefusal("blocked", message);
    throw new PreviewRefusal("network", message);
  } finally {
    clearTimeout(timer);
  }
}

function request(url: URL, filter: RequestFilteringAgentOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  const secure = url.protocol === "https:";
  // A new agent per hop: no pooled socket is ever reused for a host it was not checked for.
  const agent = secure ? new RequestFilteringHttpsAgent({ ...filter, keepAlive: false }) : new RequestFilteringHttpAgent({ ...filter, keepAlive: false });
  const options: http.RequestOptions = {
    method: "GET",
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    agent,
    signal,
    headers: { "user-agent": USER_AGENT, accept: "text/html,application/xhtml+xml;q=0.9", "accept-encoding": "gzip, deflate, br" },
  };
  // Without keep-alive the socket closes with its response; callers consume or destroy every response.
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(options, resolve);
    req.on("error", reject);
    req.end();
  });
}

/** The body, decompressed, refusing it as soon as it passes MAX_BYTES (compressed or not). */
async function readBody(response: http.IncomingMessage, signal: AbortSignal): Promise<Buffer> {
  const encoding = (response.headers["content-encoding"] ?? "identity").toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : null;
  if (!decoder && encoding !== "identity") {
    response.destroy();
    throw new PreviewRefusal("not_html", `unsupported content encoding ${encoding}`);
  }
  const source = decoder ? response.pipe(decoder) : response;
  if (decoder) response.on("error", (err) => decoder.destroy(err));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BYTES) throw new PreviewRefusal("too_large", `the page is larger than ${MAX_BYTES} bytes`);
      chunks.push(chunk);
      if (signal.aborted) throw new Error("aborted");
    }
  } finally {
    response.destroy();
    decoder?.destroy();
  }
  return Buffer.concat(chunks);
}

function decode(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    // An unknown charset label: UTF-8 is the web's default and right far more often than not.
    return new TextDecoder("utf-8").decode(body);
  }
}
