import type { Metadata } from "next";
import { AdminConsole } from "@/components/admin/AdminConsole";

export const metadata: Metadata = { title: "Site admin · Confab" };

export default function AdminPage() {
  return <AdminConsole />;
}
