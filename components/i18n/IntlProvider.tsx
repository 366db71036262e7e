"use client";
/**
 * The interface language for client components. The root layout (a server component) passes the
 * request's language and messages; dates and times use the browser's own time zone.
 */
import { IntlErrorCode, NextIntlClientProvider, type IntlError } from "next-intl";
import type { Locale } from "@/i18n/config";
import { formats } from "@/i18n/formats";
import type { Messages } from "@/i18n/messages";

function onError(error: IntlError) {
  // No time zone is configured on purpose: each browser formats in its own.
  if (error.code === IntlErrorCode.ENVIRONMENT_FALLBACK) return;
  console.error(error);
}

export function IntlProvider({ locale, messages, children }: { locale: Locale; messages: Messages; children: React.ReactNode }) {
  return (
    <NextIntlClientProvider locale={locale} messages={messages} formats={formats} onError={onError}>
      {children}
    </NextIntlClientProvider>
  );
}
