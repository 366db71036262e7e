"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { Avatar } from "@/components/ui/Avatar";
import { useNow, usePresenceMap } from "@/hooks/usePresence";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useModerate } from "@/hooks/useRoomAdmin";
import { canActOn, canAdminister, grantableRoles, isRole, type Viewer } from "@/lib/roles";
import type { ModerationBody } from "@/protocol/rest";
import type { RoomDetail } from "@/protocol/rest";
import { buttonClass, dangerClass, durationLabel, ErrorLine, inputClass, Section } from "./ui";

/** Mute lengths offered, in seconds (0: until unmuted). */
const DURATIONS = [300, 3600, 86_400, 0] as const;

type Member = RoomDetail["members"][number];

export function MemberManager({ room, viewer, meId }: { room: RoomDetail; viewer: Viewer; meId: string }) {
  const t = useTranslations("manage.members");
  const presence = usePresenceMap();
  const now = useNow(5000);
  return (
    <Section title={t("title", { count: room.members.length })} testId="manage-members">
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200">
        {room.members.map((m) => (
          <MemberRow key={m.id} roomId={room.id} member={m} status={presence[m.id]?.status ?? "offline"} now={now} viewer={viewer} meId={meId} />
        ))}
      </ul>
    </Section>
  );
}

function MemberRow({
  roomId,
  member,
  status,
  now,
  viewer,
  meId,
}: {
  now: number;
  roomId: string;
  member: Member;
  status: "online" | "idle" | "away" | "dnd" | "offline";
  viewer: Viewer;
  meId: string;
}) {
  const t = useTranslations("manage");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const moderate = useModerate(roomId);
  const [duration, setDuration] = useState<number>(DURATIONS[0]);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const role = isRole(member.role) ? member.role : "member";
  const actionable = canActOn(viewer, meId, { id: member.id, role });
  const muted = member.muted_until && Date.parse(member.muted_until) > now;

  async function act(body: ModerationBody, confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    const submitted = reason;
    try {
      await moderate.mutateAsync(body);
      // A reason typed for the next action while this one was in flight is kept.
      setReason((current) => (current === submitted ? "" : current));
    } catch (err) {
      setError(errorMessage(err, t("failed")));
    } finally {
      setBusy(false);
    }
  }
  const why = reason.trim() ? { reason: reason.trim() } : {};

  return (
    <li data-testid="manage-member" data-username={member.username} data-user-id={member.id} className="px-3 py-2">
      <div className="flex flex-wrap items-center gap-2">
        <Avatar id={member.id} name={member.username} size="sm" status={status} />
        <span className="min-w-0 flex-1 truncate text-sm font-medium text-slate-800">
          {member.username}
          {member.id === meId && <span className="font-normal text-slate-600"> {t("members.you")}</span>}
        </span>
        {muted && (
          <span data-testid="member-muted" className="rounded bg-amber-100 px-1.5 py-0.5 text-[11px] text-amber-900">
            {t("members.mutedUntil", { date: format.dateTime(new Date(member.muted_until!), "full") })}
          </span>
        )}
        {actionable && canAdminister(viewer) ? (
          <select
            data-testid="mod-role"
            aria-label={t("members.roleOf", { name: member.username })}
            value={role}
            disabled={busy}
            onChange={(e) => void act({ action: "role", user: member.id, role: e.target.value as Exclude<typeof role, "owner">, ...why })}
            className={inputClass}
          >
            {grantableRoles(viewer).map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        ) : (
          <span data-testid="member-role" className="text-xs uppercase tracking-wide text-slate-600">
            {isRole(member.role) ? t(`roles.${member.role}`) : member.role}
          </span>
        )}
      </div>
      {actionable && (
        <div className="mt-2 flex flex-wrap items-center gap-2 pl-8">
          <input
            data-testid="mod-reason"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t("members.reasonPlaceholder")}
            aria-label={t("members.reasonFor", { name: member.username })}
            className={`${inputClass} w-44`}
          />
          {muted ? (
            <button type="button" data-testid="mod-unmute" disabled={busy} onClick={() => void act({ action: "unmute", user: member.id, ...why })} className={buttonClass}>
              {t("members.unmute")}
            </button>
          ) : (
            <>
              <select data-testid="mod-mute-duration" aria-label={t("members.muteDuration")} value={duration} onChange={(e) => setDuration(Number(e.target.value))} className={inputClass}>
                {DURATIONS.map((seconds) => (
                  <option key={seconds} value={seconds}>
                    {durationLabel(t, seconds)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                data-testid="mod-mute"
                disabled={busy}
                onClick={() => void act({ action: "mute", user: member.id, ...(duration ? { duration_s: duration } : {}), ...why })}
                className={buttonClass}
              >
                {t("members.mute")}
              </button>
            </>
          )}
          <button type="button" data-testid="mod-kick" disabled={busy} onClick={() => void act({ action: "kick", user: member.id, ...why }, t("members.confirmKick", { name: member.username }))} className={dangerClass}>
            {t("members.kick")}
          </button>
          <button type="button" data-testid="mod-ban" disabled={busy} onClick={() => void act({ action: "ban", user: member.id, ...why }, t("members.confirmBan", { name: member.username }))} className={dangerClass}>
            {t("members.ban")}
          </button>
        </div>
      )}
      <ErrorLine message={error} testId="mod-error" />
    </li>
  );
}
