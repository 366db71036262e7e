"use client";
import "./globals.css";
import { NextIntlClientProvider, useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { ErrorPage } from "@/components/errors/ErrorPage";
import { ErrorRetry } from "@/components/errors/ErrorRetry";
import { negotiateLocale, type Locale } from "@/i18n/config";
import { formats } from "@/i18n/formats";
import deErrors from "@/messages/de/errors.json";
import enErrors from "@/messages/en/errors.json";

/** Only the `errors` namespace: this page must load even when the rest of the app cannot. */
const ERRORS: Record<Locale, typeof enErrors> = { en: enErrors, de: deErrors };

const noSubscribe = () => () => {};
/** The root layout (which knows the user's choice) is gone: the browser's languages decide. */
const browserLocale = () => negotiateLocale(navigator.languages.join(","));

/** The root layout itself failed: this replaces it, so it brings its own <html> and messages. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const locale = useSyncExternalStore(noSubscribe, browserLocale, (): Locale => "en");
  return (
    <html lang={locale}>
      <body className="antialiased">
        <NextIntlClientProvider locale={locale} messages={{ errors: ERRORS[locale] }} formats={formats}>
          <GlobalErrorPage digest={error.digest} reset={reset} />
        </NextIntlClientProvider>
      </body>
    </html>
  );
}

function GlobalErrorPage({ digest, reset }: { digest?: string; reset: () => void }) {
  const t = useTranslations("errors");
  return (
    <ErrorPage
      code={t("page.code")}
      title={t("global.title")}
      action={<ErrorRetry reset={reset} />}
    >
      {digest ? t("global.bodyWithReference", { digest }) : t("global.body")}
    </ErrorPage>
  );
}
