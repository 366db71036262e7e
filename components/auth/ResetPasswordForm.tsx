"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { api, errorMessage } from "@/lib/api";
import { primaryClass, inputClass } from "@/components/manage/ui";

/** Sets a new password with a one-time link a site admin handed out. */
export function ResetPasswordForm({ token }: { token: string }) {
  const [state, setState] = useState<{ kind: "loading" } | { kind: "invalid" } | { kind: "ready"; username: string } | { kind: "done"; username: string }>({ kind: "loading" });
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.inspectReset(token).then(
      ({ username }) => setState({ kind: "ready", username }),
      () => setState({ kind: "invalid" }),
    );
  }, [token]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { username } = await api.completeReset(token, password);
      setState({ kind: "done", username });
    } catch (err) {
      setError(errorMessage(err, "This link is invalid, expired or already used."));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="m-auto w-full max-w-sm px-6 py-10">
      <h1 className="mb-4 text-lg font-semibold text-slate-900">Set a new password</h1>
      {state.kind === "loading" && <p className="text-sm text-slate-600">Checking the link…</p>}
      {state.kind === "invalid" && (
        <p role="alert" data-testid="reset-invalid" className="text-sm text-rose-700">
          This link is invalid, expired or already used. Ask a site administrator for a new one.
        </p>
      )}
      {state.kind === "done" && (
        <p data-testid="reset-done" className="text-sm text-emerald-800">
          The password of <strong>{state.username}</strong> was changed.{" "}
          <Link href="/signin" className="font-medium text-indigo-600 hover:underline">
            Sign in
          </Link>
        </p>
      )}
      {state.kind === "ready" && (
        <form onSubmit={(e) => void submit(e)} className="space-y-3">
          <p className="text-sm text-slate-600">
            For <strong data-testid="reset-username">{state.username}</strong>. The link works once.
          </p>
          <input
            type="password"
            aria-label="New password"
            autoComplete="new-password"
            minLength={8}
            required
            data-testid="reset-password"
            className={`${inputClass} w-full`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error && (
            <p role="alert" className="text-sm text-rose-700">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy} data-testid="reset-submit" className={`${primaryClass} w-full`}>
            Set password
          </button>
        </form>
      )}
    </main>
  );
}
