import { Avatar } from "@/components/ui/Avatar";

type Member = { id: string; username: string; role: string };

const ROLE_ORDER = ["owner", "admin", "moderator", "member", "guest"];

export function MemberList({ members, meId }: { members: readonly Member[]; meId: string | undefined }) {
  const sorted = [...members].sort(
    (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.username.localeCompare(b.username),
  );
  return (
    <aside className="w-60 shrink-0 overflow-y-auto border-l border-slate-200 bg-slate-50 px-3 py-4" aria-label="Members">
      <h2 className="px-1 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Members · {members.length}</h2>
      <ul className="space-y-1" data-testid="member-list">
        {sorted.map((m) => (
          <li key={m.id} data-testid="member" className="flex items-center gap-2 rounded px-1 py-1 text-sm text-slate-700">
            <Avatar id={m.id} name={m.username} size="sm" />
            <span className="flex-1 truncate">
              {m.username}
              {m.id === meId && <span className="text-slate-400"> (you)</span>}
            </span>
            {m.role !== "member" && <span className="text-[10px] uppercase tracking-wide text-slate-400">{m.role}</span>}
          </li>
        ))}
      </ul>
    </aside>
  );
}
