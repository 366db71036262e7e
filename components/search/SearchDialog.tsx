"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import { messageHref, parseHighlight } from "@/lib/highlight";
import { queryKeys } from "@/lib/queries";
import type { SearchResult } from "@/protocol/rest";
import { RoomMatches, useRoomMatches, type RoomMatch } from "./RoomSwitcher";

/** Typing pauses this long before a query goes out (searches are rate limited per user). */
const DEBOUNCE_MS = 250;

/** The shell's search: a button, and Ctrl/Cmd+K anywhere in the app, open the dialog. */
export function SearchButton() {
  const t = useTranslations("search.button");
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        data-testid="search-open"
        onClick={() => setOpen(true)}
        aria-keyshortcuts="Control+K Meta+K"
        className="flex w-full items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-left text-sm text-slate-600 hover:border-indigo-400 hover:text-slate-700"
      >
        <span aria-hidden>🔍</span>
        <span className="flex-1">{t("label")}</span>
        <kbd className="rounded border border-slate-200 px-1 text-[10px] text-slate-600">{t("shortcut")}</kbd>
      </button>
      {open && <SearchDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/** Results grouped by room, in order of each room's newest match. */
export function groupByRoom(results: readonly SearchResult[]) {
  const groups = new Map<string, { room: SearchResult["room"]; results: SearchResult[] }>();
  for (const r of results) {
    const group = groups.get(r.room.id) ?? { room: r.room, results: [] };
    group.results.push(r);
    groups.set(r.room.id, group);
  }
  return [...groups.values()];
}

function SearchDialog({ onClose }: { onClose: () => void }) {
  const t = useTranslations("search.dialog");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const titleId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  useEffect(() => input.current?.focus(), []);

  const search = useQuery({
    queryKey: queryKeys.search(q),
    queryFn: ({ signal }) => api.search({ q }, signal),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const groups = useMemo(() => groupByRoom(search.data?.results ?? []), [search.data]);

  const open = useCallback(
    (r: SearchResult) => {
      onClose();
      router.push(messageHref(r.room.id, r.message));
    },
    [onClose, router],
  );
  const rooms = useRoomMatches(text);
  const openRoom = useCallback(
    (room: RoomMatch) => {
      onClose();
      router.push(`/rooms/${room.id}`);
    },
    [onClose, router],
  );
  const results = useRef<HTMLDivElement>(null);
  /** Up/Down walk the input and every result button (rooms, then messages). */
  const walk = (e: React.KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const stops = [input.current, ...(results.current?.querySelectorAll<HTMLElement>("button") ?? [])].filter((x): x is HTMLInputElement | HTMLElement => !!x);
    const at = stops.indexOf(document.activeElement as HTMLElement);
    const next = stops[Math.min(stops.length - 1, Math.max(0, at + (e.key === "ArrowDown" ? 1 : -1)))];
    e.preventDefault();
    next?.focus();
  };

  return (
    <div
      className="fixed inset-0 z-50 flex items-start justify-center bg-black/40 px-4 pt-[10vh]"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="search-dialog"
        className="flex max-h-[75vh] w-full max-w-xl flex-col overflow-hidden rounded-lg bg-white shadow-2xl"
        onKeyDown={(e) => {
          if (e.key === "Escape") onClose();
          walk(e);
        }}
      >
        <h2 id={titleId} className="sr-only">
          {t("title")}
        </h2>
        <input
          ref={input}
          type="search"
          value={text}
          maxLength={256}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            const first = groups[0]?.results[0];
            // A room whose name matches wins: switching rooms is the quick path.
            if (e.key === "Enter" && text.trim() && rooms[0]) openRoom(rooms[0]);
            else if (e.key === "Enter" && first) open(first);
          }}
          placeholder={t("placeholder")}
          aria-label={t("inputLabel")}
          data-testid="search-input"
          className="border-b border-slate-200 px-4 py-3 text-sm outline-none"
        />
        <div ref={results} className="overflow-y-auto" aria-live="polite">
          <RoomMatches matches={rooms} onPick={openRoom} />
          {search.error && (
            <p role="alert" className="px-4 py-3 text-sm text-rose-700">
              {errorMessage(search.error, t("failed"))}
            </p>
          )}
          {q && search.data && groups.length === 0 && (
            <p data-testid="search-empty" className="px-4 py-6 text-center text-sm text-slate-600">
              {t("empty", { query: q })}
            </p>
          )}
          {groups.map((group) => (
            <section key={group.room.id} data-testid="search-group" data-room-id={group.room.id} className="border-b border-slate-100 last:border-b-0">
              <h3 className="bg-slate-50 px-4 py-1.5 text-xs font-semibold text-slate-600">
                {group.room.visibility === "private" ? "🔒 " : group.room.visibility === "direct" ? "@ " : "# "}
                {group.room.name}
              </h3>
              <ul>
                {group.results.map((r) => (
                  <li key={r.message.id}>
                    <button
                      type="button"
                      data-testid="search-result"
                      data-message-id={r.message.id}
                      onClick={() => open(r)}
                      className="block w-full px-4 py-2 text-left hover:bg-indigo-50 focus:bg-indigo-50 focus:outline-none"
                    >
                      <span className="flex items-baseline gap-2 text-xs text-slate-600">
                        <span className="font-semibold text-slate-700">{r.message.sender_display || r.message.sender_name || t("unknownSender")}</span>
                        <span>{format.dateTime(new Date(r.message.created_at), "full")}</span>
                      </span>
                      <HighlightText highlight={r.highlight} blocked={r.message.blocked === true} />
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}

/** The highlight as text runs with <mark> elements: never parsed as HTML. */
function HighlightText({ highlight, blocked }: { highlight: string; blocked: boolean }) {
  const t = useTranslations("search.dialog");
  if (blocked) return <span className="block text-sm italic text-slate-600">{t("blocked")}</span>;
  return (
    <span data-testid="search-highlight" className="block text-sm break-words text-slate-800">
      {parseHighlight(highlight).map((part, i) =>
        part.mark ? (
          <mark key={i} className="rounded bg-amber-200 px-0.5 text-slate-900">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </span>
  );
}
