import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ManageRoom } from "@/components/manage/ManageRoom";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell.meta");
  return { title: t("manage") };
}

export default async function ManageRoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ManageRoom key={id} roomId={id} />;
}
