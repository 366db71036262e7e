import { getTranslations } from "next-intl/server";

export default async function Home() {
  const t = await getTranslations("shell.home");
  return (
    <div className="m-auto max-w-md p-8 text-center">
      <h1 className="text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("body")}</p>
    </div>
  );
}
