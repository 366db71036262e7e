import type { Metadata } from "next";
import { ActivityView } from "@/components/settings/ActivityView";

export const metadata: Metadata = { title: "Site admin · Confab" };

export default function AdminPage() {
  return <ActivityView />;
}
