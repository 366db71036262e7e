/** next-intl's per-request configuration (loaded by the plugin in next.config.ts). */
import { getRequestConfig } from "next-intl/server";
import { requestLocale } from "@/server/chat/locale";
import { formats } from "./formats";
import { messagesFor } from "./messages";

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return { locale, messages: messagesFor(locale), formats };
});
