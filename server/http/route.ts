/**
 * The wrapper every REST route goes through: authentication (session cookie or Bearer
 * token), cross-site refusal for mutations, body/query validation, and one error shape
 * `{error: {code, message, field?, reason?}}` with the socket's codes.
 */
import type { z } from "zod";
import { isAllowedOrigin, requestScheme } from "@/server/auth/origin";
import { credentialFrom, verifyToken, type Identity } from "@/server/auth/tokens";
import { AppError, errorBody, invalid, toAppError } from "@/server/errors";
import { safeError } from "@/server/log";
import { getRuntime, type Runtime } from "@/server/runtime";

export interface RouteContext<P> {
  req: Request;
  params: P;
  runtime: Runtime;
  /** The signed-in user; routes declared `public` may see null. */
  actor: { id: string; username: string };
  identity: Identity;
}

type Options = { public?: boolean };
type NextContext<P> = { params: Promise<P> };

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function apiRoute<P = Record<string, never>>(
  handler: (ctx: RouteContext<P>) => Promise<Response>,
  options: { public: true },
): (req: Request, ctx: NextContext<P>) => Promise<Response>;
export function apiRoute<P = Record<string, never>>(handler: (ctx: RouteContext<P>) => Promise<Response>): (req: Request, ctx: NextContext<P>) => Promise<Response>;
export function apiRoute<P>(handler: (ctx: RouteContext<P>) => Promise<Response>, options: Options = {}) {
  return async (req: Request, next: NextContext<P>): Promise<Response> => {
    try {
      const runtime = getRuntime();
      if (MUTATING.has(req.method)) assertSameOrigin(req, runtime);
      const identity = await authenticate(req);
      if (!identity && !options.public) throw new AppError("UNAUTHENTICATED", "sign in or send Authorization: Bearer <token>");
      const params = (await next.params) ?? ({} as P);
      const actor = identity ? { id: identity.userId, username: identity.username } : { id: "", username: "" };
      return await handler({ req, params, runtime, actor, identity: identity as Identity });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

async function authenticate(req: Request): Promise<Identity | null> {
  const credential = credentialFrom({ authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie") });
  return credential ? verifyToken(credential) : null;
}

/**
 * Browsers always send Origin on cross-site POSTs; a mismatch is a forged request riding the
 * session cookie. Clients without an Origin (curl, bots with Bearer tokens) are not browsers.
 */
function assertSameOrigin(req: Request, runtime: Runtime): void {
  const origin = req.headers.get("origin");
  if (origin === null) return;
  if (!isAllowedOrigin(origin, req.headers.get("host"), runtime.config.ALLOWED_ORIGINS, requestScheme(req.headers.get("x-forwarded-proto")))) {
    throw new AppError("FORBIDDEN", "cross-origin request refused");
  }
}

export function errorResponse(err: unknown): Response {
  const { error, correlationId } = toAppError(err);
  try {
    const runtime = getRuntime();
    runtime.metrics.errors.inc({ code: error.code, transport: "http" });
    if (correlationId) runtime.log.error({ err, correlationId }, "route handler failed");
  } catch {
    // No runtime (a route evaluated outside the server, e.g. at build time).
    if (correlationId) console.error(safeError(err));
  }
  const headers: Record<string, string> = {};
  if (error.details.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(error.details.retryAfterMs / 1000));
  return Response.json(errorBody(error), { status: error.status, headers });
}

export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  let data: unknown;
  try {
    data = await req.json();
  } catch {
    throw invalid("body must be JSON");
  }
  return parseWith(schema, data);
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  return parseWith(schema, params);
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") || undefined;
  throw invalid(field ? `${field}: ${issue?.message}` : (issue?.message ?? "invalid request"), field);
}

export const json = (data: unknown, status = 200) => Response.json(data, { status });

/** An id from the path; anything that is not a UUID cannot name a row, so it is simply not found. */
export function idParam(value: string, what = "room"): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new AppError("NOT_FOUND", `${what} not found`);
  return value;
}

/**
 * The origin for links we hand back (invites): NEXTAUTH_URL when configured; else the Host
 * and scheme the request came with, where X-Forwarded-Host counts only behind a trusted proxy
 * (TRUST_PROXY), so a client cannot make us mint links to a host of its choosing.
 */
export function publicOrigin(req: Request): string {
  const { config } = getRuntime();
  if (config.NEXTAUTH_URL) return new URL(config.NEXTAUTH_URL).origin;
  const forwardedHost = config.TRUST_PROXY ? req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = forwardedHost || req.headers.get("host") || new URL(req.url).host;
  const proto = requestScheme(req.headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
