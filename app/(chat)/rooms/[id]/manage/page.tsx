import type { Metadata } from "next";
import { ManageRoom } from "@/components/manage/ManageRoom";

export const metadata: Metadata = { title: "Manage room · Confab" };

export default async function ManageRoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ManageRoom key={id} roomId={id} />;
}
