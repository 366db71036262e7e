"use client";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useModerate } from "@/hooks/useRoomAdmin";
import { bansQuery } from "@/lib/queries";
import { buttonClass, ErrorLine, Section } from "./ui";

/** Banned users with Unban. */
export function BanList({ roomId }: { roomId: string }) {
  const t = useTranslations("manage.bans");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const query = useQuery(bansQuery(roomId));
  const moderate = useModerate(roomId);
  const bans = query.data;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (query.error ? errorMessage(query.error, t("loadFailed")) : null);

  async function unban(user: string) {
    setError(null);
    try {
      await moderate.mutateAsync({ action: "unban", user });
    } catch (err) {
      setError(errorMessage(err, t("unbanFailed")));
    }
  }

  return (
    <Section title={t("title")} testId="manage-bans">
      {bans && bans.length === 0 && <p className="text-sm text-slate-600">{t("none")}</p>}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 empty:hidden">
        {bans?.map((b) => (
          <li key={b.id} data-testid="ban-row" data-username={b.username} className="flex items-center gap-3 px-3 py-2 text-sm">
            <span className="flex-1">
              <span className="font-medium text-slate-800">{b.username}</span>
              <span className="ml-2 text-xs text-slate-600">
                {format.dateTime(new Date(b.at), "full")}
                {b.reason ? ` · ${b.reason}` : ""}
              </span>
            </span>
            <button type="button" data-testid="unban" onClick={() => void unban(b.id)} className={buttonClass}>
              {t("unban")}
            </button>
          </li>
        ))}
      </ul>
      <ErrorLine message={error} testId="bans-error" />
    </Section>
  );
}
