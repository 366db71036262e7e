import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { RoomView } from "@/components/room/RoomView";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell.meta");
  return { title: t("room") };
}

type Search = Record<string, string | string[] | undefined>;

/** `?message=<id>&seq=<n>` (search results, pins) opens the room at that message. */
function focusOf(search: Search): { id: string; seq: number } | null {
  const id = typeof search.message === "string" ? search.message : null;
  const seq = typeof search.seq === "string" ? Number(search.seq) : NaN;
  return id && /^[0-9a-f-]{36}$/i.test(id) && Number.isSafeInteger(seq) && seq > 0 ? { id, seq } : null;
}

export default async function RoomPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Search> }) {
  const { id } = await params;
  // Keyed by room so per-room UI state (scroll position, join request) starts fresh.
  return <RoomView key={id} roomId={id} focus={focusOf(await searchParams)} />;
}
