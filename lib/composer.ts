import type { Message } from "@/protocol";

/** The newest message the user may still edit in this room (theirs, a chat message, not deleted). */
export function lastEditable(messages: readonly Message[], me: string | undefined): { id: string; content: string } | null {
  if (!me) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.sender === me && m.kind !== "system" && !m.deleted) return { id: m.id, content: m.content };
  }
  return null;
}
