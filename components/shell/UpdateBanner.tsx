"use client";
import { useTranslations } from "next-intl";
import { useUpdateState } from "@/hooks/useChatSocket";

/**
 * After a deploy: a server that speaks a newer protocol than this tab says so. If it still
 * speaks this tab's version, chat keeps working and the banner only offers a reload; if not,
 * the socket stays closed and the banner says why.
 */
export function UpdateBanner() {
  const t = useTranslations("shell.update");
  const update = useUpdateState();
  if (update === "none") return null;
  const required = update === "required";
  return (
    <div
      role={required ? "alert" : "status"}
      data-testid="update-banner"
      data-update={update}
      className={`flex items-center justify-center gap-3 px-4 py-2 text-sm ${required ? "bg-amber-100 text-amber-950" : "bg-sky-50 text-sky-950"}`}
    >
      <p>{required ? t("required") : t("available")}</p>
      <button
        type="button"
        onClick={() => window.location.reload()}
        className="rounded-md bg-slate-900 px-3 py-1 font-medium text-slate-50 hover:bg-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        {t("reload")}
      </button>
    </div>
  );
}
