import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

/** A branded full-page message with a way home: the 404 page and the error boundaries use it. */
export function ErrorPage({ code, title, children, action }: { code: string; title: string; children: ReactNode; action?: ReactNode }) {
  const t = useTranslations("errors.page");
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 p-6" data-testid="error-page">
      <div className="max-w-md text-center">
        {/* eslint-disable-next-line @next/next/no-img-element -- a static SVG logo, nothing to optimize */}
        <img src="/icon.svg" alt="" width={56} height={56} className="mx-auto mb-4" />
        <p className="text-sm font-semibold text-indigo-700">{code}</p>
        <h1 className="mt-1 text-2xl font-bold text-slate-900">{title}</h1>
        <div className="mt-2 text-sm text-slate-700">{children}</div>
        <div className="mt-6 flex justify-center gap-3">
          {action}
          <Link href="/" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:ring-offset-2" data-testid="error-home">
            {t("home")}
          </Link>
        </div>
      </div>
    </main>
  );
}
