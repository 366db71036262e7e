/**
 * What the model is shown: the system prompt and the room's recent history as the requester
 * sees it. Never others' private messages (the history query is the requester's view), never
 * the words of someone the requester blocked or who blocked them, never system lines, never
 * another reply still streaming.
 */
import { eq, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { listMessages, type MessageRow } from "@/db/queries/messages";
import { blocks } from "@/db/schema";
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

/** Users whose words must not reach the requester's prompt: blocked by them, or blocking them. */
async function blockedAround(db: Database, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ blocker: blocks.blockerId, blocked: blocks.blockedId })
    .from(blocks)
    .where(or(eq(blocks.blockerId, userId), eq(blocks.blockedId, userId)));
  return new Set(rows.map((r) => (r.blocker === userId ? r.blocked : r.blocker)));
}

const usable = (row: MessageRow, blocked: ReadonlySet<string>) =>
  row.kind !== "system" && !row.deletedAt && !blocked.has(row.senderId) && row.meta?.streaming !== true && row.content.trim() !== "";

export async function buildPrompt(db: Database, input: PromptInput): Promise<PromptMessage[]> {
  const blocked = await blockedAround(db, input.requesterId);
  // Filtering drops some rows; read a margin so the prompt still holds `limit` messages.
  const rows = await listMessages(db, {
    roomId: input.roomId,
    viewerId: input.requesterId,
    before: input.upToSeq + 1,
    limit: Math.min(500, input.limit * 2),
    notBefore: input.notBefore,
  });
  const history = rows.filter((row) => usable(row, blocked)).slice(-input.limit);
  const system = input.systemPrompt ?? defaultSystemPrompt(input.bot.username, input.roomName);
  return [
    { role: "system", content: system },
    ...history.map((row): PromptMessage =>
      row.senderId === input.bot.id ? { role: "assistant", content: row.content } : { role: "user", content: `${row.senderDisplay ?? row.senderName}: ${row.content}` },
    ),
  ];
}
