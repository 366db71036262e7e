"use client";
import { ChatContext, useChatSocket } from "@/hooks/useChatSocket";

/** Owns the tab's chat socket for the signed-in user; rendered once by the chat layout. */
export function ChatProvider({ userId, children }: { userId: string; children: React.ReactNode }) {
  const services = useChatSocket(userId);
  return <ChatContext.Provider value={services}>{children}</ChatContext.Provider>;
}
