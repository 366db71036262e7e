"use client";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { Avatar } from "@/components/ui/Avatar";
import { useChat } from "@/hooks/useChatSocket";
import { useNow, usePresenceMap, useShownStatus } from "@/hooks/usePresence";
import { useBlocks } from "@/hooks/useProfile";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import { useFormatText } from "@/hooks/useFormatText";
import { RoomRole } from "@/protocol";
import { MAX_GROUP_DM_OTHERS } from "@/protocol/rest";

type Member = { id: string; username: string; display_name?: string | null; role: string };

const ROLE_ORDER = ["owner", "admin", "moderator", "member", "guest"];
const isRoomRole = (role: string): role is RoomRole => (RoomRole as readonly string[]).includes(role);

/**
 * The room's members with presence; each other member offers "Message", "Block" and "Add to
 * group": picked members can be messaged together in one group conversation.
 */
export function MemberList({ members, meId, footer }: { members: readonly Member[]; meId: string | undefined; footer?: ReactNode }) {
  const t = useTranslations("room.members");
  const formatText = useFormatText();
  const presence = usePresenceMap();
  const shown = useShownStatus();
  const now = useNow();
  const [open, setOpen] = useState<string | null>(null);
  const [group, setGroup] = useState<readonly Member[]>([]);
  const toggleGroup = (m: Member) => setGroup((g) => (g.some((x) => x.id === m.id) ? g.filter((x) => x.id !== m.id) : [...g, m]));
  const sorted = [...members].sort(
    (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.username.localeCompare(b.username),
  );
  return (
    <aside className="w-60 shrink-0 overflow-y-auto border-l border-slate-200 bg-slate-50 px-3 py-4" aria-label={t("label")}>
      <h2 className="px-1 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("heading", { count: members.length })}</h2>
      <ul className="space-y-1" data-testid="member-list">
        {sorted.map((m) => {
          const p = presence[m.id];
          const status = shown(p);
          const isMe = m.id === meId;
          return (
            <li key={m.id} data-testid="member" data-user-id={m.id} data-username={m.username} className="rounded px-1 py-1 text-sm text-slate-700">
              <button
                type="button"
                disabled={isMe}
                onClick={() => setOpen((v) => (v === m.id ? null : m.id))}
                aria-expanded={open === m.id}
                data-testid="member-toggle"
                className="flex w-full items-center gap-2 rounded text-left enabled:hover:bg-slate-100"
              >
                <Avatar id={m.id} name={m.display_name || m.username} size="sm" status={status} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate" title={m.display_name ? `@${m.username}` : undefined}>
                    <span data-testid="member-name">{m.display_name || m.username}</span>
                    {m.display_name && (
                      <span data-testid="member-handle" className="text-xs text-slate-600">
                        {" "}
                        @{m.username}
                      </span>
                    )}
                    {isMe && <span className="text-slate-600"> {t("you")}</span>}
                  </span>
                  {status === "offline" && p?.last_seen && (
                    <span data-testid="member-last-seen" className="block text-[10px] text-slate-600">
                      {t("lastSeen", { ago: formatText.ago(p.last_seen, now) })}
                    </span>
                  )}
                </span>
                {m.role !== "member" && <span className="text-[10px] uppercase tracking-wide text-slate-600">{isRoomRole(m.role) ? t(`roles.${m.role}`) : m.role}</span>}
              </button>
              {open === m.id && !isMe && <MemberActions member={m} inGroup={group.some((x) => x.id === m.id)} onToggleGroup={() => toggleGroup(m)} />}
            </li>
          );
        })}
      </ul>
      {group.length > 0 && <GroupDmBar members={group} onClear={() => setGroup([])} />}
      {footer}
    </aside>
  );
}

/** The picked members and one button to open their conversation with the viewer. */
function GroupDmBar({ members, onClear }: { members: readonly Member[]; onClear: () => void }) {
  const t = useTranslations("room.members");
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const { directory } = useChat();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tooMany = members.length > MAX_GROUP_DM_OTHERS;

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const room = await api.openGroupDm(members.map((m) => m.id));
      directory.upsert({ ...room, unread: 0 });
      void directory.refresh();
      onClear();
      router.push(`/rooms/${room.id}`);
    } catch (err) {
      setError(errorMessage(err, t("openFailed")));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="group-dm-bar" className="mt-3 rounded-md border border-indigo-200 bg-white p-2 text-xs">
      <p className="text-slate-600">
        {t.rich("groupWith", {
          names: members.map((m) => m.display_name || m.username).join(", "),
          list: (chunks) => <span data-testid="group-dm-names">{chunks}</span>,
        })}
      </p>
      {tooMany && <p className="text-rose-700">{t("tooMany", { max: MAX_GROUP_DM_OTHERS })}</p>}
      <div className="mt-1 flex gap-1">
        <button type="button" data-testid="group-dm-start" disabled={busy || tooMany} onClick={start} className="rounded bg-indigo-600 px-2 py-0.5 font-semibold text-white hover:bg-indigo-500 disabled:opacity-50">
          {t("messageGroup", { count: members.length })}
        </button>
        <button type="button" onClick={onClear} className="rounded px-2 py-0.5 text-slate-600 hover:bg-slate-100">
          {t("clear")}
        </button>
      </div>
      {error && (
        <p role="alert" className="mt-1 text-[11px] text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}

function MemberActions({ member, inGroup, onToggleGroup }: { member: Member; inGroup: boolean; onToggleGroup: () => void }) {
  const t = useTranslations("room.members");
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const { directory } = useChat();
  const blocks = useBlocks();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const blocked = blocks.blocked.some((b) => b.id === member.id);

  async function message() {
    setBusy(true);
    setError(null);
    try {
      const room = await api.openDm(member.id);
      directory.upsert({ ...room, unread: 0 });
      void directory.refresh();
      router.push(`/rooms/${room.id}`);
    } catch (err) {
      setError(errorMessage(err, t("openFailed")));
    } finally {
      setBusy(false);
    }
  }

  async function toggleBlock() {
    setBusy(true);
    setError(await blocks.toggle(member));
    setBusy(false);
  }

  return (
    <div className="mt-1 flex flex-wrap gap-1 pl-8">
      <button type="button" data-testid="member-message" disabled={busy} onClick={message} className="rounded bg-white px-2 py-0.5 text-xs font-medium text-indigo-700 shadow-sm ring-1 ring-slate-200 hover:bg-indigo-50 disabled:opacity-50">
        {t("message")}
      </button>
      <button type="button" data-testid="member-group" aria-pressed={inGroup} onClick={onToggleGroup} className="rounded bg-white px-2 py-0.5 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-slate-200 hover:bg-slate-100">
        {inGroup ? t("removeFromGroup") : t("addToGroup")}
      </button>
      <button type="button" data-testid="member-block" disabled={busy || !blocks.loaded} onClick={toggleBlock} className="rounded bg-white px-2 py-0.5 text-xs font-medium text-rose-700 shadow-sm ring-1 ring-slate-200 hover:bg-rose-50 disabled:opacity-50">
        {blocked ? t("unblock") : t("block")}
      </button>
      {error && (
        <p role="alert" className="w-full text-[11px] text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
