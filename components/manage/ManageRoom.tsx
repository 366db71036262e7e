"use client";
import Link from "next/link";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { useChat, useMe } from "@/hooks/useChatSocket";
import { useProfile } from "@/hooks/useProfile";
import { api, errorMessage } from "@/lib/api";
import { EMPTY_ROOM } from "@/lib/chat-store";
import { canAdminister, canExport, canModerate, isRole, type Viewer } from "@/lib/roles";
import type { RoomDetail } from "@/protocol/rest";
import { AuditLog } from "./AuditLog";
import { BanList } from "./BanList";
import { ExportPanel } from "./ExportPanel";
import { InvitePanel } from "./InvitePanel";
import { MemberManager } from "./MemberManager";
import { SettingsForm } from "./SettingsForm";

/**
 * The room admin panel: members (with the controls the viewer may use), bans, invitations,
 * settings, export and the audit log. Kept live by the room's `member` and `room_updated` frames.
 */
export function ManageRoom({ roomId }: { roomId: string }) {
  const { client, store } = useChat();
  const me = useMe();
  const profile = useProfile();
  const [room, setRoom] = useState<RoomDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Bumped after each change made here, so lists (bans, audit) re-fetch. */
  const [version, setVersion] = useState(0);
  const live = useSyncExternalStore(store.subscribe, () => store.getRoom(roomId), () => EMPTY_ROOM);

  const reload = useCallback(() => {
    api
      .getRoom(roomId)
      .then((r) => {
        setRoom(r);
        setError(null);
      })
      .catch((err: unknown) => setError(errorMessage(err, "Could not load this room.")));
  }, [roomId]);

  // Initial load, and again whenever a member event or settings change arrives live.
  useEffect(reload, [reload, live.memberVersion, live.info]);

  // The panel is on screen, so the room is joined while it is (members are only watched
  // otherwise, which carries no one else's member events). Only members join: opening a
  // public room would otherwise make the visitor a member.
  const isMember = !!room?.role;
  useEffect(() => (isMember ? client.openRoom(roomId) : undefined), [client, roomId, isMember]);

  const changed = useCallback(() => {
    reload();
    setVersion((v) => v + 1);
  }, [reload]);

  if (error && !room) {
    return (
      <p role="alert" className="m-auto text-sm text-rose-700" data-testid="manage-error">
        {error}
      </p>
    );
  }
  if (!room || !me) return <p className="m-auto text-sm text-slate-500">Loading…</p>;

  const viewer: Viewer = { role: isRole(room.role) ? room.role : null, siteAdmin: !!profile?.site_admin };
  if (!canModerate(viewer)) {
    return (
      <div className="m-auto max-w-sm p-6 text-center" role="alert" data-testid="manage-forbidden">
        <p className="text-base font-semibold text-slate-800">Only moderators can manage this room.</p>
        <Link href={`/rooms/${roomId}`} className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
          Back to the room
        </Link>
      </div>
    );
  }

  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="manage-room-panel">
      <header className="flex items-center gap-3 border-b border-slate-200 px-6 py-3">
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-base font-semibold text-slate-900">Manage {room.name}</h1>
          <p className="text-xs text-slate-500">You are {room.role ?? "a site admin"} here.</p>
        </div>
        <Link href={`/rooms/${roomId}`} data-testid="manage-back" className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100">
          Back to room
        </Link>
      </header>
      <div className="mx-auto max-w-4xl space-y-8 px-6 py-6">
        <MemberManager room={room} viewer={viewer} meId={me.id} onChanged={changed} />
        <BanList roomId={roomId} version={version} onChanged={changed} />
        <InvitePanel roomId={roomId} viewer={viewer} />
        {canAdminister(viewer) && <SettingsForm room={room} onSaved={changed} />}
        {canExport(viewer) && <ExportPanel roomId={roomId} />}
        {canAdminister(viewer) && <AuditLog roomId={roomId} version={version + live.memberVersion} />}
      </div>
    </div>
  );
}
