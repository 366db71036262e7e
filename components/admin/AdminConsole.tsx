"use client";
import { useState } from "react";
import { useProfile } from "@/hooks/useProfile";
import { ActivityView } from "@/components/settings/ActivityView";
import { ArchivePanel } from "./ArchivePanel";
import { Dashboard } from "./Dashboard";
import { RoomsPanel } from "./RoomsPanel";
import { SiteAudit } from "./SiteAudit";
import { UsersPanel } from "./UsersPanel";

const TABS = [
  { id: "dashboard", label: "Dashboard" },
  { id: "users", label: "Users" },
  { id: "rooms", label: "Rooms" },
  { id: "archive", label: "Compliance archive" },
  { id: "audit", label: "Audit" },
  { id: "activity", label: "Activity" },
] as const;
type Tab = (typeof TABS)[number]["id"];

/** The site admin page: live dashboard, user and room administration, the compliance archive switch, the audit, daily activity. */
export function AdminConsole() {
  const profile = useProfile();
  const [tab, setTab] = useState<Tab>("dashboard");

  if (!profile) return <p className="m-auto text-sm text-slate-600">Loading…</p>;
  if (!profile.site_admin) {
    return (
      <p role="alert" data-testid="admin-forbidden" className="m-auto text-sm text-slate-600">
        This page is for site administrators.
      </p>
    );
  }
  if (tab === "activity") return <Shell tab={tab} onTab={setTab}>{<ActivityView />}</Shell>;
  return (
    <Shell tab={tab} onTab={setTab}>
      <div className="mx-auto max-w-6xl px-6 py-6">
        {tab === "dashboard" && <Dashboard />}
        {tab === "users" && <UsersPanel selfId={profile.id} />}
        {tab === "rooms" && <RoomsPanel />}
        {tab === "archive" && <ArchivePanel />}
        {tab === "audit" && <SiteAudit />}
      </div>
    </Shell>
  );
}

function Shell({ tab, onTab, children }: { tab: Tab; onTab: (tab: Tab) => void; children: React.ReactNode }) {
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      <header className="flex items-center gap-4 border-b border-slate-200 px-6 py-3">
        <h1 className="text-base font-semibold text-slate-900">Site admin</h1>
        <nav role="tablist" aria-label="Site admin sections" className="flex gap-1">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              data-testid={`admin-tab-${t.id}`}
              onClick={() => onTab(t.id)}
              className={`rounded-md px-2.5 py-1 text-sm ${tab === t.id ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t.label}
            </button>
          ))}
        </nav>
      </header>
      {children}
    </div>
  );
}
