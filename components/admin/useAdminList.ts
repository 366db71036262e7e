"use client";
import { useQuery, useQueryClient, type UseQueryOptions } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { queryKeys } from "@/lib/queries";

/**
 * A searchable, paged admin list and its row actions (by row id): one action at a time per row, a confirm
 * before destructive ones, and every admin view refreshed afterwards (users, rooms, the audit and
 * activity may all show what changed).
 */
export function useAdminList<Data, Key extends readonly unknown[]>(
  query: (q: string, page: number) => UseQueryOptions<Data, Error, Data, Key>,
  loadError: string,
) {
  const t = useTranslations("admin");
  const errorMessage = useErrorMessage();
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const queryClient = useQueryClient();
  // The previous page stays on screen while the next one (or a new search) loads.
  const list = useQuery(query(q.trim(), page));
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (id: string, what: () => Promise<unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(id);
    setActionError(null);
    try {
      await what();
      void queryClient.invalidateQueries({ queryKey: queryKeys.admin });
    } catch (err) {
      setActionError(errorMessage(err, t("failed")));
    } finally {
      setBusy(null);
    }
  };

  return {
    data: list.data,
    error: actionError ?? (list.error ? errorMessage(list.error, loadError) : null),
    search: {
      value: q,
      onChange: (value: string) => {
        setQ(value);
        setPage(1);
      },
    },
    page,
    setPage,
    busy,
    act,
  };
}
