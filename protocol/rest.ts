/** Request bodies and query strings of the REST contract, shared by route handlers and forms. */
import { z } from "zod";

export const Username = z
  .string()
  .trim()
  .min(3, "username must be at least 3 characters")
  .max(32, "username must be at most 32 characters")
  .regex(/^[a-zA-Z0-9_.-]+$/, "username may contain letters, digits, '_', '.' and '-'");
export const Password = z.string().min(8, "password must be at least 8 characters").max(200, "password is too long");

export const RegisterBody = z.object({ username: Username, password: Password });
export const TokenBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

export const RoomName = z.string().trim().min(1, "name is required").max(80, "name must be at most 80 characters");
export const CreateRoomBody = z.object({
  name: RoomName,
  visibility: z.enum(["public", "private"]),
  topic: z.string().trim().max(500).optional(),
});

export const ListRoomsQuery = z.object({
  q: z.string().trim().max(100).optional(),
  scope: z.enum(["mine", "public"]).optional(),
});

export const HistoryQuery = z.object({
  before: z.coerce.number().int().min(0).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type RoomSummary = {
  id: string;
  name: string;
  topic: string;
  visibility: "public" | "private" | "direct";
  last_seq: number;
  role?: string;
  unread?: number;
  joined?: boolean;
  member_count?: number;
};

export type RoomDetail = RoomSummary & {
  settings: Record<string, unknown>;
  members: Array<{ id: string; username: string; role: string }>;
  created_at: string;
};
