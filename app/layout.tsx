import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { Providers } from "@/components/Providers";
import { authOptions } from "@/server/auth/options";
import "./globals.css";

export const metadata: Metadata = { title: "Confab", description: "Self-hosted real-time chat" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  return (
    <html lang="en">
      <body className="h-dvh bg-slate-50 text-slate-900 antialiased">
        <Providers session={session}>{children}</Providers>
      </body>
    </html>
  );
}
