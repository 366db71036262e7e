import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { IntlProvider } from "@/components/i18n/IntlProvider";
import { Providers } from "@/components/Providers";
import { ThemeProvider } from "@/components/theme/ThemeProvider";
import { authOptions } from "@/server/auth/options";
import { messagesFor } from "@/i18n/messages";
import { requestLocale } from "@/server/chat/locale";
import { storedTheme } from "@/server/chat/theme";
import { findRuntime } from "@/server/runtime";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell.meta");
  return { title: "Confab", description: t("description") };
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id ?? null;
  const [theme, nonce, locale] = await Promise.all([storedTheme(findRuntime(), userId), headers().then((h) => h.get("x-nonce") ?? undefined), requestLocale()]);
  return (
    // next-themes sets the theme class on <html> before hydration, so React must not compare it.
    <html lang={locale} suppressHydrationWarning>
      <body className="h-dvh bg-slate-50 text-slate-900 antialiased">
        <ThemeProvider userId={userId} stored={theme} nonce={nonce}>
          <IntlProvider locale={locale} messages={messagesFor(locale)}>
            <Providers session={session}>{children}</Providers>
          </IntlProvider>
        </ThemeProvider>
      </body>
    </html>
  );
}
