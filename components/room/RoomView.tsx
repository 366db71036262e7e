"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { useRoom } from "@/hooks/useRoom";
import { ApiError, api, sentence } from "@/lib/api";
import type { RoomDetail } from "@/protocol/rest";
import { Composer } from "./Composer";
import { MemberList } from "./MemberList";
import { MessageList } from "./MessageList";

type DetailState = { status: "loading" } | { status: "ready"; room: RoomDetail } | { status: "error"; code: string; message: string };

/**
 * A room: header, history and live messages, composer and members. Members of the room are
 * joined on the socket while it is shown; a public room the user has not joined is shown as a
 * read-only preview with a Join button.
 */
export function RoomView({ roomId }: { roomId: string }) {
  const { directory } = useChat();
  const me = useMe();
  const [detail, setDetail] = useState<DetailState>({ status: "loading" });
  const [joinRequested, setJoinRequested] = useState(false);
  const [showMembers, setShowMembers] = useState(true);

  useEffect(() => {
    const controller = new AbortController();
    api
      .getRoom(roomId, controller.signal)
      .then((room) => setDetail({ status: "ready", room }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setDetail(
          err instanceof ApiError
            ? { status: "error", code: err.code, message: sentence(err.message) }
            : { status: "error", code: "INTERNAL", message: "Could not load this room." },
        );
      });
    return () => controller.abort();
  }, [roomId]);

  const room = detail.status === "ready" ? detail.room : null;
  const isMember = !!room && (room.role !== undefined || joinRequested);
  const { state, pending, send, loadOlder, retry, discard, markRead, setTyping, edit, remove, react } = useRoom(roomId, { live: isMember });

  // Once the server confirms a join the room is in "My rooms".
  useEffect(() => {
    if (state.joined && joinRequested) void directory.refresh();
  }, [state.joined, joinRequested, directory]);

  // What is on screen in a visible tab has been read.
  const lastSeq = state.messages.at(-1)?.seq;
  useEffect(() => {
    if (!isMember || lastSeq === undefined) return;
    const report = () => {
      if (document.visibilityState !== "visible") return;
      markRead(lastSeq);
      directory.markRead(roomId, lastSeq);
    };
    report();
    document.addEventListener("visibilitychange", report);
    return () => document.removeEventListener("visibilitychange", report);
  }, [isMember, lastSeq, roomId, markRead, directory]);

  const members = useMemo(() => state.members ?? room?.members ?? [], [state.members, room]);
  const names = useMemo(() => new Map(members.map((m) => [m.id, m.username] as const)), [members]);

  if (detail.status === "loading") {
    return <p className="m-auto text-sm text-slate-500">Loading room…</p>;
  }
  if (detail.status === "error") {
    return (
      <div className="m-auto max-w-sm p-6 text-center" role="alert" data-testid="room-error">
        <p className="text-base font-semibold text-slate-800">
          {detail.code === "NOT_FOUND" ? "Room not found" : detail.code === "FORBIDDEN" ? "This room is private" : "Could not open this room"}
        </p>
        <p className="mt-1 text-sm text-slate-500">{detail.message}</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
          Back to your rooms
        </Link>
      </div>
    );
  }

  const current = detail.room;
  return (
    <div className="flex min-h-0 flex-1">
      <section className="flex min-w-0 flex-1 flex-col" aria-label={current.name}>
        <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-3">
          <Link href="/" className="text-sm text-slate-500 md:hidden" aria-label="Back to rooms">
            ←
          </Link>
          <div className="min-w-0 flex-1">
            <h1 className="flex items-center gap-2 truncate text-base font-semibold text-slate-900" data-testid="room-name">
              <span className="text-slate-400" aria-hidden>
                {current.visibility === "private" ? "🔒" : "#"}
              </span>
              {current.name}
            </h1>
            {current.topic && (
              <p className="truncate text-xs text-slate-500" data-testid="room-topic">
                {current.topic}
              </p>
            )}
          </div>
          <button
            type="button"
            onClick={() => setShowMembers((v) => !v)}
            aria-pressed={showMembers}
            data-testid="member-count"
            className="rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100"
          >
            {members.length} member{members.length === 1 ? "" : "s"}
          </button>
        </header>

        {state.error && (
          <div role="alert" data-testid="room-state-error" className="border-b border-rose-200 bg-rose-50 px-4 py-2 text-sm text-rose-800">
            {state.error}
          </div>
        )}

        <MessageList
          messages={state.messages}
          pending={pending}
          me={me}
          names={names}
          loaded={state.loaded}
          hasOlder={state.hasOlder}
          loadingOlder={state.loadingOlder}
          onLoadOlder={loadOlder}
          onRetry={retry}
          onDiscard={discard}
          onEdit={isMember ? edit : undefined}
          onDelete={isMember ? remove : undefined}
          onReact={isMember ? react : undefined}
        />

        {isMember ? (
          <>
            <TypingLine names={state.typing} />
            <Composer roomName={current.name} onSend={send} onTyping={setTyping} />
          </>
        ) : (
          <div className="flex items-center justify-between gap-3 border-t border-slate-200 bg-slate-50 px-4 py-3">
            <p className="text-sm text-slate-600">You are previewing this public room.</p>
            <button
              type="button"
              data-testid="join-room"
              onClick={() => setJoinRequested(true)}
              className="rounded-md bg-indigo-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500"
            >
              Join room
            </button>
          </div>
        )}
      </section>
      {showMembers && (
        <div className="hidden lg:flex">
          <MemberList members={members} meId={me?.id} />
        </div>
      )}
    </div>
  );
}

function TypingLine({ names }: { names: readonly string[] }) {
  const text =
    names.length === 0
      ? ""
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : "Several people are typing…";
  return (
    <p className="h-5 px-4 text-xs italic text-slate-500" data-testid="typing-indicator" aria-live="polite">
      {text}
    </p>
  );
}
