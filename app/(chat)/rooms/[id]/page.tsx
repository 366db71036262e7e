import type { Metadata } from "next";
import { RoomView } from "@/components/room/RoomView";

export const metadata: Metadata = { title: "Room · Confab" };

export default async function RoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Keyed by room so per-room UI state (scroll position, join request) starts fresh.
  return <RoomView key={id} roomId={id} />;
}
