import type { Locale } from "@/i18n/config";
import type { formats } from "@/i18n/formats";
import type { Messages } from "@/i18n/messages";

// Types every `t("…")` key and `useLocale()` against the English messages (docs/i18n.md).
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
    Formats: typeof formats;
  }
}
