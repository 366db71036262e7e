import { buttonClass } from "@/components/manage/ui";

export function Pager({ page, total, limit, onPage, testId }: { page: number; total: number; limit: number; onPage: (page: number) => void; testId: string }) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <div className="mt-3 flex items-center gap-2 text-xs text-slate-600" data-testid={testId}>
      <button type="button" className={buttonClass} disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        page {page} of {pages} · {total} in all
      </span>
      <button type="button" className={buttonClass} disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </div>
  );
}
