/**
 * Browser-side REST client for the contract in DESIGN.md. Every failure becomes an ApiError
 * carrying the server's `{error: {code, message}}`, so forms can show the server's own words.
 */
import type { Message } from "@/protocol";
import type { RoomDetail, RoomSummary } from "@/protocol/rest";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Performs a same-origin JSON request; the session cookie authenticates it. */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body !== undefined ? { "content-type": "application/json" } : undefined,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
      signal: init.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "UNAVAILABLE", "Network error: check your connection and try again.");
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy error page or similar: reported below by status.
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? "INTERNAL", error?.message ?? `Request failed (${res.status})`, error?.field);
  }
  return data as T;
}

/** Upper-cases the first letter of a server message ("name: is required" reads as a sentence). */
export const sentence = (message: string) => (message ? message[0]!.toUpperCase() + message.slice(1) : message);

export const api = {
  register: (body: { username: string; password: string }) => apiFetch<{ id: string; username: string }>("/api/register", { method: "POST", body }),
  listRooms: (query: { scope: "mine" | "public"; q?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ scope: query.scope });
    if (query.q) params.set("q", query.q);
    return apiFetch<{ rooms: RoomSummary[] }>(`/api/rooms?${params}`, { signal });
  },
  createRoom: (body: { name: string; visibility: "public" | "private"; topic?: string }) => apiFetch<RoomDetail>("/api/rooms", { method: "POST", body }),
  getRoom: (id: string, signal?: AbortSignal) => apiFetch<RoomDetail>(`/api/rooms/${encodeURIComponent(id)}`, { signal }),
  /** A page of history, ascending by seq. */
  listMessages: (id: string, page: { before?: number; after?: number; limit?: number }) => {
    const params = new URLSearchParams();
    if (page.before !== undefined) params.set("before", String(page.before));
    if (page.after !== undefined) params.set("after", String(page.after));
    params.set("limit", String(page.limit ?? 50));
    return apiFetch<{ messages: Message[] }>(`/api/rooms/${encodeURIComponent(id)}/messages?${params}`);
  },
};
