"use client";
/**
 * One room as the UI sees it: messages (deduplicated, ordered by seq), the pending outbox
 * entries, and the actions on it. With `live`, the room is joined on the socket (and
 * re-joined after every reconnect) while the component is mounted; without it, only its
 * history is loaded (a preview of a public room the user has not joined).
 */
import { useCallback, useEffect } from "react";
import { useStore } from "zustand";
import { type RoomState, selectPending, selectQuotes, selectRoom } from "@/lib/chat-store";
import type { OutgoingFiles } from "@/lib/sync/outbox";
import { useChat } from "./useChatSocket";

export function useRoom(roomId: string, { live }: { live: boolean }) {
  const { client, store } = useChat();
  // Only this room's slice: typing, receipts and messages elsewhere do not re-render it.
  const state: RoomState = useStore(store.api, selectRoom(roomId));
  const pending = useStore(store.api, selectPending(roomId));
  const quotes = useStore(store.api, selectQuotes);

  useEffect(() => {
    if (live) return client.openRoom(roomId);
    void client.loadLatest(roomId);
  }, [client, roomId, live]);

  const send = useCallback((content: string, replyTo?: string, files?: OutgoingFiles) => client.send(roomId, content, replyTo, files), [client, roomId]);
  const loadOlder = useCallback(() => client.loadOlder(roomId), [client, roomId]);
  const retry = useCallback((id: string) => client.retry(id), [client]);
  const discard = useCallback((id: string) => client.discard(id), [client]);
  const markRead = useCallback((seq: number) => client.markRead(roomId, seq), [client, roomId]);
  const markDelivered = useCallback((seq: number) => client.markDelivered(roomId, seq), [client, roomId]);
  const setTyping = useCallback((typing: boolean) => client.setTyping(roomId, typing), [client, roomId]);

  const edit = useCallback((message: string, content: string) => client.edit(roomId, message, content), [client, roomId]);
  const remove = useCallback((message: string) => client.deleteMessage(roomId, message), [client, roomId]);
  const react = useCallback((message: string, emoji: string, op: "add" | "remove") => client.react(roomId, message, emoji, op), [client, roomId]);
  const cancel = useCallback((message: string) => client.cancelReply(roomId, message), [client, roomId]);

  const fetchQuote = useCallback((id: string) => client.fetchQuote(roomId, id), [client, roomId]);
  const loadBackTo = useCallback((seq: number) => client.loadBackTo(roomId, seq), [client, roomId]);

  return { state, pending, quotes, fetchQuote, loadBackTo, send, loadOlder, retry, discard, markRead, markDelivered, setTyping, edit, remove, react, cancel };
}
