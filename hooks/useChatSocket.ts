"use client";
/**
 * The tab's one chat connection, shared through context. Construction has no side effects;
 * the socket opens in an effect and closes on unmount, so StrictMode's mount → unmount →
 * mount leaves exactly one live socket (the same pattern as partysocket's own use-socket).
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo } from "react";
import { useStore } from "zustand";
import { ChatClient, type ChatClientOptions } from "@/lib/chat-client";
import { ChatStore, type ConnectionStatus, type Notice, selectMe, selectNotices, selectRetryAt, selectStatus, selectUpdate, type UpdateState } from "@/lib/chat-store";
import { sessionOutbox } from "@/lib/outbox-storage";
import { RoomDirectory } from "@/lib/room-directory";

export interface ChatServices {
  client: ChatClient;
  store: ChatStore;
  directory: RoomDirectory;
}

/**
 * Creates the client for `key` (the signed-in user's id) and keeps its socket open while
 * mounted. A new key means a new user: new store, new socket.
 */
export function useChatSocket(key: string, options: ChatClientOptions = {}): ChatServices {
  const { onUnauthenticated } = options;
  const queryClient = useQueryClient();
  const services = useMemo(() => {
    const store = new ChatStore();
    const directory = new RoomDirectory(queryClient);
    // Per user and per tab: what this tab had not seen acknowledged survives its reload.
    const outbox = typeof window === "undefined" ? undefined : sessionOutbox(`confab.outbox.${key}`);
    return { store, client: new ChatClient(store, { onUnauthenticated, directory, outbox, shareKey: key }), directory };
    // The client is bound to the user; callbacks are read once at creation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, queryClient]);

  useEffect(() => {
    services.client.start();
    return () => services.client.stop();
  }, [services]);

  // Every room in "My rooms" is watched, so its badge, receipts and presence are live.
  useEffect(() => {
    const { client, directory } = services;
    const sync = () => client.setBackgroundRooms(directory.roomIds());
    sync();
    return directory.subscribe(sync);
  }, [services]);

  return services;
}

export const ChatContext = createContext<ChatServices | null>(null);

export function useChat(): ChatServices {
  const services = useContext(ChatContext);
  if (!services) throw new Error("useChat must be used inside <ChatProvider>");
  return services;
}

export function useConnectionStatus(): ConnectionStatus {
  return useStore(useChat().store.api, selectStatus);
}

/** When the next reconnect attempt starts, while one is scheduled. */
export function useRetryAt(): number | null {
  return useStore(useChat().store.api, selectRetryAt);
}

/** Whether a newer server wants this tab reloaded (see UpdateBanner). */
export function useUpdateState(): UpdateState {
  return useStore(useChat().store.api, selectUpdate);
}

export function useNotices(): { notices: readonly Notice[]; dismiss: (id: string) => void } {
  const { store } = useChat();
  const notices = useStore(store.api, selectNotices);
  return { notices, dismiss: (id) => store.dismissNotice(id) };
}

export function useMe() {
  return useStore(useChat().store.api, selectMe);
}
