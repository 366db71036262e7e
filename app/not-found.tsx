import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ErrorPage } from "@/components/errors/ErrorPage";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("errors.notFound");
  return { title: t("meta") };
}

export default async function NotFound() {
  const t = await getTranslations("errors.notFound");
  return (
    <ErrorPage code="404" title={t("title")}>
      {t("body")}
    </ErrorPage>
  );
}
