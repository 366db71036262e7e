"use client";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { ErrorPage } from "@/components/errors/ErrorPage";
import { ErrorRetry } from "@/components/errors/ErrorRetry";

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
      action={<ErrorRetry reset={reset} />}
    >
      {error.digest ? t("bodyWithReference", { digest: error.digest }) : t("body")}
    </ErrorPage>
  );
}
