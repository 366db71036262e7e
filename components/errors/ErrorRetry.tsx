"use client";
import { useTranslations } from "next-intl";

/** "Try again" on the error boundaries' pages: asks Next to render the failed segment again. */
export function ErrorRetry({ reset }: { reset: () => void }) {
  const t = useTranslations("errors.page");
  return (
    <button
      type="button"
      onClick={reset}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
      data-testid="error-retry"
    >
      {t("retry")}
    </button>
  );
}
