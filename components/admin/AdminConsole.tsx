"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useProfile } from "@/hooks/useProfile";
import { ActivityView } from "@/components/settings/ActivityView";
import { ArchivePanel } from "./ArchivePanel";
import { Dashboard } from "./Dashboard";
import { RoomsPanel } from "./RoomsPanel";
import { SiteAudit } from "./SiteAudit";
import { UsersPanel } from "./UsersPanel";

const TABS = ["dashboard", "users", "rooms", "archive", "audit", "activity"] as const;
type Tab = (typeof TABS)[number];

/** The site admin page: live dashboard, user and room administration, the compliance archive switch, the audit, daily activity. */
export function AdminConsole() {
  const t = useTranslations("admin.console");
  const profile = useProfile();
  const [tab, setTab] = useState<Tab>("dashboard");

  if (!profile) return <p className="m-auto text-sm text-slate-600">{t("loading")}</p>;
  if (!profile.site_admin) {
    return (
      <p role="alert" data-testid="admin-forbidden" className="m-auto text-sm text-slate-600">
        {t("forbidden")}
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
  const t = useTranslations("admin.console");
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      <header className="flex items-center gap-4 border-b border-slate-200 px-6 py-3">
        <h1 className="text-base font-semibold text-slate-900">{t("title")}</h1>
        <nav role="tablist" aria-label={t("sections")} className="flex gap-1">
          {TABS.map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              data-testid={`admin-tab-${id}`}
              onClick={() => onTab(id)}
              className={`rounded-md px-2.5 py-1 text-sm ${tab === id ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {t(`tabs.${id}`)}
            </button>
          ))}
        </nav>
      </header>
      {children}
    </div>
  );
}
