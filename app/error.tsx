"use client";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { ErrorPage } from "@/components/errors/ErrorPage";

/** A page that threw while rendering: say so, offer to try again, keep a way home. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors.page");
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <ErrorPage
      code={t("code")}
      title={t("title")}
      action={
        <button type="button" onClick={reset} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400" data-testid="error-retry">
          {t("retry")}
        </button>
      }
    >
      {error.digest ? t("bodyWithReference", { digest: error.digest }) : t("body")}
    </ErrorPage>
  );
}
