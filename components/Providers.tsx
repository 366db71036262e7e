"use client";
import { QueryClientProvider } from "@tanstack/react-query";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import { useState } from "react";
import { makeQueryClient } from "@/lib/queries";

/** Client-side context for the whole app; the server passes the session it already read. */
export function Providers({ session, children }: { session: Session | null; children: React.ReactNode }) {
  // One cache per tab and signed-in user (and per server render: never shared between
  // requests). Signing in replaces the session without a reload, so a new user gets a new cache.
  const userId = session?.user?.id ?? null;
  const [cache, setCache] = useState(() => ({ userId, client: makeQueryClient() }));
  if (cache.userId !== userId) setCache({ userId, client: makeQueryClient() });
  return (
    <QueryClientProvider client={cache.client}>
      <SessionProvider session={session} refetchOnWindowFocus={false}>
        {children}
      </SessionProvider>
    </QueryClientProvider>
  );
}
