"use client";
import Link from "next/link";
import { signOut } from "next-auth/react";
import { useEffect } from "react";
import { useNotices } from "@/hooks/useChatSocket";

/** Error frames and background failures as dismissable toasts. */
export function Notices() {
  const { notices, dismiss } = useNotices();
  // The server refused our credentials (expired, or the account was disabled or deleted): the
  // session cookie is useless, so end it here rather than leave a dead app on screen.
  const refused = notices.some((n) => n.code === "UNAUTHENTICATED");
  useEffect(() => {
    if (refused) void signOut({ callbackUrl: "/signin" });
  }, [refused]);
  if (notices.length === 0) return null;
  return (
    <div className="pointer-events-none fixed inset-x-0 top-3 z-50 flex flex-col items-center gap-2 px-3" aria-live="assertive">
      {notices.map((notice) => (
        <div
          key={notice.id}
          role="alert"
          data-testid="notice"
          data-code={notice.code}
          className="pointer-events-auto flex w-full max-w-lg items-start gap-3 rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900 shadow-lg"
        >
          <div className="flex-1">
            <p>{notice.message}</p>
            {notice.code === "UNAUTHENTICATED" && (
              <Link href="/signin" className="mt-1 inline-block font-medium underline">
                Sign in
              </Link>
            )}
          </div>
          <button
            type="button"
            onClick={() => dismiss(notice.id)}
            className="rounded px-1 text-rose-700 hover:bg-rose-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400"
            aria-label="Dismiss"
            data-testid="notice-dismiss"
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
