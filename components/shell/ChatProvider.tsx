"use client";
import { ChatContext, useChatSocket } from "@/hooks/useChatSocket";
import { usePresenceReporter } from "@/hooks/usePresence";

/** Owns the tab's chat socket for the signed-in user; rendered once by the chat layout. */
export function ChatProvider({ userId, children }: { userId: string; children: React.ReactNode }) {
  const services = useChatSocket(userId);
  return (
    <ChatContext.Provider value={services}>
      <PresenceReporter />
      {children}
    </ChatContext.Provider>
  );
}

/** Sends the user's status and idle/online transitions on the tab's socket. */
function PresenceReporter() {
  usePresenceReporter();
  return null;
}
