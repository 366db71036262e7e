"use client";
import { useFormatter, useTranslations } from "next-intl";
import { buttonClass } from "@/components/manage/ui";

export function Pager({ page, total, limit, onPage, testId }: { page: number; total: number; limit: number; onPage: (page: number) => void; testId: string }) {
  const t = useTranslations("admin.pager");
  const format = useFormatter();
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <div className="mt-3 flex items-center gap-2 text-xs text-slate-600" data-testid={testId}>
      <button type="button" className={buttonClass} disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("previous")}
      </button>
      <span>{t("position", { page: format.number(page), pages: format.number(pages), total: format.number(total) })}</span>
      <button type="button" className={buttonClass} disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("next")}
      </button>
    </div>
  );
}
