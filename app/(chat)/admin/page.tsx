import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AdminConsole } from "@/components/admin/AdminConsole";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell.meta");
  return { title: t("admin") };
}

export default function AdminPage() {
  return <AdminConsole />;
}
