"use client";
import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useProfile } from "@/hooks/useProfile";
import { selectRoom } from "@/lib/chat-store";
import { queryKeys, roomQuery } from "@/lib/queries";
import { canAdminister, canExport, canModerate, isRole, type Viewer } from "@/lib/roles";
import { AuditLog } from "./AuditLog";
import { BanList } from "./BanList";
import { ExportPanel } from "./ExportPanel";
import { InvitePanel } from "./InvitePanel";
import { MemberManager } from "./MemberManager";
import { SettingsForm } from "./SettingsForm";

/**
 * The room admin panel: members (with the controls the viewer may use), bans, invitations,
 * settings, export and the audit log. Kept live by the room's `member` and `room_updated` frames,
 * which (like every change made here) invalidate the room's queries: detail, bans, invitations, audit.
 */
export function ManageRoom({ roomId }: { roomId: string }) {
  const t = useTranslations("manage");
  const errorMessage = useErrorMessage();
  const { client, store } = useChat();
  const me = useMe();
  const profile = useProfile();
  const queryClient = useQueryClient();
  const detail = useQuery(roomQuery(roomId));
  const room = detail.data ?? null;
  const error = detail.error ? errorMessage(detail.error, t("page.loadFailed")) : null;
  const memberVersion = useStore(store.api, (s) => selectRoom(roomId)(s).memberVersion);
  const info = useStore(store.api, (s) => selectRoom(roomId)(s).info);

  // Again whenever a member event or settings change arrives live (the mount fetches anyway).
  const seen = useRef({ memberVersion, info });
  useEffect(() => {
    if (seen.current.memberVersion === memberVersion && seen.current.info === info) return;
    seen.current = { memberVersion, info };
    void queryClient.invalidateQueries({ queryKey: queryKeys.room(roomId) });
  }, [queryClient, roomId, memberVersion, info]);

  // The panel is on screen, so the room is joined while it is (members are only watched
  // otherwise, which carries no one else's member events). Only members join: opening a
  // public room would otherwise make the visitor a member.
  const isMember = !!room?.role;
  useEffect(() => (isMember ? client.openRoom(roomId) : undefined), [client, roomId, isMember]);

  if (error && !room) {
    return (
      <p role="alert" className="m-auto text-sm text-rose-700" data-testid="manage-error">
        {error}
      </p>
    );
  }
  if (!room || !me) return <p className="m-auto text-sm text-slate-600">{t("page.loading")}</p>;

  const viewer: Viewer = { role: isRole(room.role) ? room.role : null, siteAdmin: !!profile?.site_admin };
  if (!canModerate(viewer)) {
    return (
      <div className="m-auto max-w-sm p-6 text-center" role="alert" data-testid="manage-forbidden">
        <p className="text-base font-semibold text-slate-800">{t("page.forbidden")}</p>
        <Link href={`/rooms/${roomId}`} className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
          {t("page.backToTheRoom")}
        </Link>
      </div>
    );
  }

  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="manage-room-panel">
      <header className="flex items-center gap-3 border-b border-slate-200 px-6 py-3">
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-base font-semibold text-slate-900">{t("page.title", { room: room.name })}</h1>
          <p className="text-xs text-slate-600">{viewer.role ? t("page.youAre", { role: t(`roles.${viewer.role}`) }) : t("page.youAreSiteAdmin")}</p>
        </div>
        <Link href={`/rooms/${roomId}`} data-testid="manage-back" className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100">
          {t("page.backToRoom")}
        </Link>
      </header>
      <div className="mx-auto max-w-4xl space-y-8 px-6 py-6">
        <MemberManager room={room} viewer={viewer} meId={me.id} />
        <BanList roomId={roomId} />
        <InvitePanel roomId={roomId} viewer={viewer} />
        {canAdminister(viewer) && <SettingsForm room={room} />}
        {canExport(viewer) && <ExportPanel roomId={roomId} />}
        {canAdminister(viewer) && <AuditLog roomId={roomId} />}
      </div>
    </div>
  );
}
