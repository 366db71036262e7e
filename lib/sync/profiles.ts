/**
 * `profile` frames: a member of a room changed their display name. The room's member list and
 * the messages already shown from them take the new name at once (history reads it at read time,
 * so a reload agrees).
 */
import type { Message, ServerFrameOf } from "@/protocol";
import type { ChatStore, RoomState } from "../chat-store";

const withDisplay = (message: Message, display: string | null): Message => {
  const { sender_display: _previous, ...rest } = message;
  return display ? { ...rest, sender_display: display } : rest;
};

export function applyProfile(store: ChatStore, frame: ServerFrameOf<"profile">): void {
  // The copy sent to the user's own sockets names no room; their profile page has the answer.
  if (!frame.room) return;
  const { id, display_name } = frame.user;
  const state = store.getRoom(frame.room);
  const patch: { -readonly [K in keyof RoomState]?: RoomState[K] } = {};
  if (state.members?.some((m) => m.id === id)) patch.members = state.members.map((m) => (m.id === id ? { ...m, display_name } : m));
  if (state.messages.some((m) => m.sender === id)) patch.messages = state.messages.map((m) => (m.sender === id ? withDisplay(m, display_name) : m));
  store.patchRoom(frame.room, patch);
}
