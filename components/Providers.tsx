"use client";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";

/** Client-side context for the whole app; the server passes the session it already read. */
export function Providers({ session, children }: { session: Session | null; children: React.ReactNode }) {
  return (
    <SessionProvider session={session} refetchOnWindowFocus={false}>
      {children}
    </SessionProvider>
  );
}
