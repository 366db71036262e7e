import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "Confab", description: "Self-hosted real-time chat" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="h-dvh bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
