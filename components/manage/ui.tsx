/** Building blocks shared by the room admin panel's sections. */
import type { useTranslations } from "next-intl";

/** The `manage` namespace's translator, for helpers that build text outside a component. */
export type ManageT = ReturnType<typeof useTranslations<"manage">>;

/** "5 minutes", "1 hour", "7 days", "Indefinitely" (0): a length in its largest whole unit. */
export function durationLabel(t: ManageT, seconds: number): string {
  if (seconds === 0) return t("durations.indefinitely");
  if (seconds % 86_400 === 0) return t("durations.days", { count: seconds / 86_400 });
  if (seconds % 3_600 === 0) return t("durations.hours", { count: seconds / 3_600 });
  return t("durations.minutes", { count: seconds / 60 });
}

/** A titled section of the panel. */
export function Section({ title, testId, children }: { title: string; testId: string; children: React.ReactNode }) {
  return (
    <section data-testid={testId} aria-label={title}>
      <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{title}</h2>
      {children}
    </section>
  );
}

export function ErrorLine({ message, testId }: { message: string | null; testId: string }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid={testId} className="mt-2 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
      {message}
    </p>
  );
}

export const inputClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
export const buttonClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50";
export const dangerClass = "rounded-md border border-rose-300 bg-white px-2 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-50";
export const primaryClass = "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50";
