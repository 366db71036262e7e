"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import { primaryClass, inputClass } from "@/components/manage/ui";

/** Sets a new password with a one-time link a site admin handed out. */
export function ResetPasswordForm({ token }: { token: string }) {
  const t = useTranslations("auth.reset");
  const errorMessage = useErrorMessage();
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
      setError(errorMessage(err, t("linkInvalid")));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="m-auto w-full max-w-sm px-6 py-10">
      <h1 className="mb-4 text-lg font-semibold text-slate-900">{t("title")}</h1>
      {state.kind === "loading" && <p className="text-sm text-slate-600">{t("checking")}</p>}
      {state.kind === "invalid" && (
        <p role="alert" data-testid="reset-invalid" className="text-sm text-rose-700">
          {t("invalid")}
        </p>
      )}
      {state.kind === "done" && (
        <p data-testid="reset-done" className="text-sm text-emerald-800">
          {t.rich("done", {
            username: state.username,
            strong: (chunks) => <strong>{chunks}</strong>,
            link: (chunks) => (
              <Link href="/signin" className="font-medium text-indigo-600 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      )}
      {state.kind === "ready" && (
        <form onSubmit={(e) => void submit(e)} className="space-y-3">
          <p className="text-sm text-slate-600">
            {t.rich("for", { username: state.username, strong: (chunks) => <strong data-testid="reset-username">{chunks}</strong> })}
          </p>
          <input
            type="password"
            aria-label={t("newPassword")}
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
            {t("submit")}
          </button>
        </form>
      )}
    </main>
  );
}
