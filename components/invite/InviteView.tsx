"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { AuthForm } from "@/components/auth/AuthForm";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api, ApiError } from "@/lib/api";
import { inviteQuery } from "@/lib/queries";

type Preview = { room: { id: string; name: string; topic: string }; role: string };
type State = { status: "loading" } | { status: "ready"; preview: Preview } | { status: "invalid" } | { status: "error"; message: string };

const isGone = (err: unknown) => err instanceof ApiError && err.status === 404;

/**
 * Shows which room an invitation leads to. Signed-in users accept with one click; visitors
 * create an account (or sign in) on this page, and the invitation is accepted right after.
 */
export function InviteView({ token, username }: { token: string; username: string | null }) {
  const t = useTranslations("invite");
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const preview = useQuery(inviteQuery(token));
  // Accepting can find the invitation gone (revoked, used up) after the preview showed it.
  const [goneOnAccept, setGoneOnAccept] = useState(false);
  const state: State =
    goneOnAccept || isGone(preview.error)
      ? { status: "invalid" }
      : preview.data
        ? { status: "ready", preview: preview.data }
        : preview.error
          ? { status: "error", message: errorMessage(preview.error, t("loadFailed")) }
          : { status: "loading" };
  const [mode, setMode] = useState<"signup" | "signin">("signup");
  const [accepting, setAccepting] = useState(false);
  const [error, setError] = useState<string | null>(null);


  /** Accepts and opens the room; refresh() makes the server layouts read the (new) session. */
  async function accept(): Promise<void> {
    setAccepting(true);
    setError(null);
    try {
      const { room } = await api.acceptInvite(token);
      router.replace(`/rooms/${room.id}`);
      router.refresh();
    } catch (err) {
      setAccepting(false);
      if (isGone(err)) setGoneOnAccept(true);
      else setError(errorMessage(err, t("acceptFailed")));
    }
  }

  return (
    <main className="flex min-h-dvh items-center justify-center bg-gradient-to-b from-indigo-50 to-slate-50 px-4">
      <div className="w-full max-w-sm">
        <p className="mb-6 text-center text-2xl font-bold tracking-tight text-indigo-700">Confab</p>
        {state.status === "loading" && <p className="text-center text-sm text-slate-600">{t("loading")}</p>}
        {state.status === "invalid" && (
          <div role="alert" data-testid="invite-invalid" className="rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
            <h1 className="text-base font-semibold text-slate-800">{t("invalid")}</h1>
            <Link href="/" className="mt-4 inline-block text-sm font-medium text-indigo-600 hover:underline">
              {t("home")}
            </Link>
          </div>
        )}
        {state.status === "error" && (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
            {state.message}
          </p>
        )}
        {state.status === "ready" && (
          <div className="space-y-4">
            <div className="rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
              <p className="text-sm text-slate-600">{t("invited")}</p>
              <h1 className="mt-1 text-xl font-semibold text-slate-900" data-testid="invite-room-name">
                {state.preview.room.name}
              </h1>
              {state.preview.room.topic && <p className="mt-1 text-sm text-slate-600">{state.preview.room.topic}</p>}
              <p className="mt-2 text-xs text-slate-600">{t("asRole", { role: state.preview.role })}</p>
              {username && (
                <>
                  <button
                    type="button"
                    data-testid="invite-accept"
                    disabled={accepting}
                    onClick={() => void accept()}
                    className="mt-4 w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
                  >
                    {accepting ? t("joining") : t("accept")}
                  </button>
                  <p className="mt-2 text-xs text-slate-600">{t("signedInAs", { username })}</p>
                </>
              )}
              {error && (
                <p role="alert" data-testid="invite-error" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
                  {error}
                </p>
              )}
            </div>
            {!username && (
              <div>
                <p className="mb-2 text-center text-sm text-slate-600">{mode === "signup" ? t("signUpToJoin") : t("signInToJoin")}</p>
                <AuthForm key={mode} mode={mode} embedded onSignedIn={accept} onSwitch={() => setMode((m) => (m === "signup" ? "signin" : "signup"))} />
              </div>
            )}
          </div>
        )}
      </div>
    </main>
  );
}
