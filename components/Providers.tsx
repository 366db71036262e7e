"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import { useState } from "react";
import { makeQueryClient } from "@/lib/queries";

/** Client-side context for the whole app; the server passes the session it already read. */
export function Providers({ session, children }: { session: Session | null; children: React.ReactNode }) {
  // One cache per tab (and per server render: never shared between requests).
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider session={session} refetchOnWindowFocus={false}>
        {children}
      </SessionProvider>
    </QueryClientProvider>
  );
}
