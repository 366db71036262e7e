"use client";
/** The signed-in user's profile and block list, from the shared query cache. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { api, type Profile } from "@/lib/api";
import { useErrorMessage } from "./useErrorMessage";
import { blocksQuery, profileQuery, queryKeys } from "@/lib/queries";

export type BlockedUser = { id: string; username: string; at: string };

/** GET /api/me, fetched once per tab and shared by every view. */
export function useProfile(): Profile | null {
  return useQuery(profileQuery).data ?? null;
}

/** Replaces the shared profile after the user changed it (the profile form). */
export function useSetProfile(): (next: Profile) => void {
  const queryClient = useQueryClient();
  return (next) => queryClient.setQueryData(queryKeys.me, next);
}

export interface Blocks {
  readonly blocked: readonly BlockedUser[];
  readonly loaded: boolean;
  readonly error: string | null;
  /** Blocks or unblocks; resolves to an error message, or null on success. */
  toggle(user: { id: string; username: string }): Promise<string | null>;
}

const NO_BLOCKS: readonly BlockedUser[] = [];

/** The users the signed-in user has blocked, loaded on first use. */
export function useBlocks(): Blocks {
  const queryClient = useQueryClient();
  const t = useTranslations("room.blocks");
  const errorMessage = useErrorMessage();
  const query = useQuery(blocksQuery);
  const blocked = query.data ?? NO_BLOCKS;
  const mutation = useMutation({
    mutationFn: ({ user, block }: { user: { id: string; username: string }; block: boolean }) => (block ? api.block(user.id) : api.unblock(user.id)),
    onSuccess: (_result, { user, block }) =>
      queryClient.setQueryData<BlockedUser[]>(queryKeys.blocks, (list = []) =>
        block ? [...list.filter((b) => b.id !== user.id), { id: user.id, username: user.username, at: new Date().toISOString() }] : list.filter((b) => b.id !== user.id),
      ),
  });
  return {
    blocked,
    loaded: !query.isPending,
    error: query.error ? errorMessage(query.error, t("loadFailed")) : null,
    async toggle(user) {
      const block = !blocked.some((b) => b.id === user.id);
      try {
        await mutation.mutateAsync({ user, block });
        return null;
      } catch (err) {
        return errorMessage(err, block ? t("blockFailed") : t("unblockFailed"));
      }
    },
  };
}
