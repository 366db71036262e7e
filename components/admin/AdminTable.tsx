import type { ReactNode } from "react";
import { inputClass } from "@/components/manage/ui";

export type Column = { label: string; align?: "right" };

/** The search box above an admin list. */
export function AdminSearch({ label, placeholder, testId, value, onChange }: { label: string; placeholder: string; testId: string; value: string; onChange: (value: string) => void }) {
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={placeholder}
      data-testid={testId}
      className={`${inputClass} w-64`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** An admin list's table: header cells from `columns`, one body row per item. */
export function AdminTable({ columns, children, empty }: { columns: Column[]; children: ReactNode; empty: string | null }) {
  return (
    <>
      <table className="mt-3 w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((c) => (
              <th key={c.label} className={`py-1 font-medium${c.align === "right" ? " text-right" : ""}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
      {empty && <p className="mt-2 text-sm text-slate-600">{empty}</p>}
    </>
  );
}
