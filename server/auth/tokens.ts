/**
 * Identity for every transport. Browser sessions and API tokens are the same kind of
 * credential: a next-auth JWT (encrypted with NEXTAUTH_SECRET) carrying the user id in `sub`.
 * JWTs cannot be revoked, so authorization is re-checked per action, never read from here,
 * and a token is refused once its user is deleted or disabled (a cached check).
 */
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import { encode } from "next-auth/jwt";
import { isActiveUser } from "./user-validity";

/** Shared by every socket of a token (decodeToken caches it), so never changed. */
export interface Identity {
  readonly userId: string;
  readonly username: string;
  /** Distinguishes sessions of one user in logs and `ready`; not a secret. */
  readonly sessionId: string;
}

export const API_TOKEN_TTL_S = 30 * 24 * 3600;
export const SESSION_COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

const secret = () => {
  const value = process.env.NEXTAUTH_SECRET;
  if (!value) throw new Error("NEXTAUTH_SECRET is not set; start through server/index.ts");
  return value;
};

export async function issueApiToken(user: { id: string; username: string }): Promise<{ token: string; expiresAt: Date }> {
  const token = await encode({ token: { sub: user.id, name: user.username, kind: "api" }, secret: secret(), maxAge: API_TOKEN_TTL_S });
  return { token, expiresAt: new Date(Date.now() + API_TOKEN_TTL_S * 1000) };
}

/**
 * Returns the identity in a session or API token, or null when it is invalid, expired, or its
 * user no longer exists or is disabled. Storage errors propagate (UNAVAILABLE, not "signed out").
 */
export async function verifyToken(token: string): Promise<Identity | null> {
  const identity = await decodeToken(token);
  return identity && (await isActiveUser(identity.userId)) ? identity : null;
}

/**
 * The identity a token's signature vouches for, without asking whether the user still exists.
 * A token's tabs (and reconnects) share one frozen identity while the token is cached.
 */
export async function decodeToken(token: string): Promise<Identity | null> {
  try {
    return await decodeIdentity(token);
  } catch {
    return null;
  }
}

async function decodeIdentity(token: string): Promise<Identity | null> {
  const key = encryptionKey();
  const hit = decoded.get(token);
  if (hit) {
    decoded.delete(token);
    if (hit.exp + CLOCK_TOLERANCE_S <= Date.now() / 1000) return null;
    decoded.set(token, hit);
    return hit.identity;
  }
  const { payload } = await jwtDecrypt(token, key, { clockTolerance: CLOCK_TOLERANCE_S });
  if (typeof payload.sub !== "string" || typeof payload.name !== "string") return null;
  const sessionId = typeof payload.jti === "string" ? payload.jti : `${payload.sub.slice(0, 8)}-${payload.iat ?? 0}`;
  const identity: Identity = Object.freeze({ userId: payload.sub, username: payload.name, sessionId });
  // Only tokens that expire are cached: the cache must never outlive a token.
  if (typeof payload.exp === "number") {
    if (decoded.size >= DECODED_CACHE_SIZE) decoded.delete(decoded.keys().next().value!);
    decoded.set(token, { exp: payload.exp, identity });
  }
  return identity;
}

/**
 * next-auth's `decode`, without its per-call cost: the same key (HKDF-SHA256 of the secret,
 * empty salt, next-auth's info string) derived once per secret, and tokens seen recently
 * answered from a bounded cache until their own expiry, so a reconnecting client does not pay
 * a decryption per connect. Same algorithm and clock tolerance as next-auth, so the two stay
 * interchangeable.
 */
const CLOCK_TOLERANCE_S = 15;
const DECODED_CACHE_SIZE = 10_000;
let derived: { secret: string; key: Uint8Array } | undefined;
const decoded = new Map<string, { exp: number; identity: Identity }>();

function encryptionKey(): Uint8Array {
  const current = secret();
  if (derived?.secret !== current) {
    derived = { secret: current, key: new Uint8Array(hkdfSync("sha256", current, "", "NextAuth.js Generated Encryption Key", 32)) };
    decoded.clear();
  }
  return derived.key;
}

/** Reads a cookie from a raw Cookie header (the upgrade request has no parsed cookies). */
export function readCookie(header: string | undefined | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The credential a request carries, in order of precedence: `Authorization: Bearer`, the
 * `?token=` query parameter (only where the caller allows it), then the session cookie.
 */
export function credentialFrom(headers: { authorization?: string | null; cookie?: string | null }, queryToken?: string | null): string | undefined {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || undefined;
  if (queryToken) return queryToken;
  for (const name of SESSION_COOKIE_NAMES) {
    const value = readCookie(headers.cookie, name);
    if (value) return value;
  }
  return undefined;
}
