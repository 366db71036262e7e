/**
 * What the model is shown: the system prompt and the room's recent history as the requester
 * sees it. Never others' private messages (the history query is the requester's view), never
 * the words of someone the requester blocked or who blocked them, never system lines, never
 * another reply still streaming.
 */
import type { Database } from "@/db/client";
import { listMessages, type MessageRow } from "@/db/queries/messages";
import type { PromptMessage } from "./provider";

export interface PromptInput {
  roomId: string;
  roomName: string;
  requesterId: string;
  bot: { id: string; username: string };
  /** The request's seq: history up to and including it. */
  upToSeq: number;
  /** How many messages of history (AI_CONTEXT_MESSAGES). */
  limit: number;
  systemPrompt?: string;
  /** The room's retention cut-off. */
  notBefore?: Date;
}

export const defaultSystemPrompt = (name: string, roomName: string) =>
  `You are ${name}, an assistant taking part in the chat room "${roomName}". ` +
  `Each message from a person starts with their name. Answer the latest message that mentions @${name}; be concise and friendly.`;

const usable = (row: MessageRow) => row.kind !== "system" && !row.deletedAt && row.meta?.streaming !== true && row.content.trim() !== "";

/**
 * One query, blocked users' messages left out by the database: a start waits for one round
 * trip instead of two in turn, and 100 replies asked at once hand the database bridge half as
 * many prompt reads (bench/README.md, "Assistant": the start is mostly such hand-offs).
 */
export async function buildPrompt(db: Database, input: PromptInput): Promise<PromptMessage[]> {
  // Filtering drops some rows; read a margin so the prompt still holds `limit` messages.
  const rows = await listMessages(db, {
    roomId: input.roomId,
    viewerId: input.requesterId,
    before: input.upToSeq + 1,
    limit: Math.min(500, input.limit * 2),
    notBefore: input.notBefore,
    excludeBlockedAround: input.requesterId,
  });
  const history = rows.filter(usable).slice(-input.limit);
  const system = input.systemPrompt ?? defaultSystemPrompt(input.bot.username, input.roomName);
  return [
    { role: "system", content: system },
    ...history.map((row): PromptMessage =>
      row.senderId === input.bot.id ? { role: "assistant", content: row.content } : { role: "user", content: `${row.senderDisplay ?? row.senderName}: ${row.content}` },
    ),
  ];
}
