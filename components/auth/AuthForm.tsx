"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState, useSyncExternalStore } from "react";
import { useErrorMessage, useFieldErrorMessage, useLocalizedError } from "@/hooks/useErrorMessage";
import { ApiError, api, sentence } from "@/lib/api";
import { RegisterBody } from "@/protocol/rest";

type Mode = "signin" | "signup";
type FieldErrors = { username?: string; password?: string; form?: string };

const noSubscribe = () => () => {};

/** Only same-site paths are followed after sign-in (no open redirect through callbackUrl). */
function safeCallback(raw: string | null): string {
  if (!raw) return "/";
  try {
    const url = new URL(raw, window.location.origin);
    return url.origin === window.location.origin && !url.pathname.startsWith("/api/") ? url.pathname + url.search : "/";
  } catch {
    return "/";
  }
}

/**
 * Sign-in and sign-up. Sign-up validates with the same schema as the server, registers over
 * REST and then signs in through next-auth; errors appear next to the field they concern.
 */
export function AuthForm({
  mode,
  embedded = false,
  onSignedIn,
  onSwitch,
}: {
  mode: Mode;
  /** Just the form (no page chrome), e.g. inside the invitation page. */
  embedded?: boolean;
  /** Runs after a successful sign-in instead of following `callbackUrl`. */
  onSignedIn?: () => Promise<void>;
  /** Embedded only: switches between sign-up and sign-in in place. */
  onSwitch?: () => void;
}) {
  const t = useTranslations("auth.form");
  const errorMessage = useErrorMessage();
  const fieldError = useFieldErrorMessage();
  const say = useLocalizedError();
  const router = useRouter();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  // Until hydrated, a click would submit the form natively (a GET with the password in the URL).
  const hydrated = useSyncExternalStore(noSubscribe, () => true, () => false);
  const id = (field: string) => `${mode}-${field}`;

  const invalid = (field: "username" | "password") => (field === "username" ? t("errors.usernameInvalid") : t("errors.passwordInvalid"));

  /** The sentence of the rule a field broke, by its zod issue code. */
  function ruleSentence(field: "username" | "password", code: string): string {
    if (code === "too_small") return field === "username" ? t("errors.usernameShort") : t("errors.passwordShort");
    if (code === "too_big") return field === "username" ? t("errors.usernameLong") : t("errors.passwordLong");
    if (code === "invalid_format") return t("errors.usernameCharacters");
    return invalid(field);
  }

  /** A field's validation problem in the reader's language; the schema's words are the server's. */
  const fieldIssue = (field: "username" | "password", code: string, message: string) => say({ english: sentence(message), specific: ruleSentence(field, code) });

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setErrors({});
    if (mode === "signup") {
      const parsed = RegisterBody.safeParse({ username, password });
      if (!parsed.success) {
        const next: FieldErrors = {};
        for (const issue of parsed.error.issues) {
          const field = issue.path[0] === "password" ? "password" : "username";
          next[field] ??= fieldIssue(field, issue.code, issue.message);
        }
        setErrors(next);
        return;
      }
    } else if (!username.trim() || !password) {
      setErrors({ form: t("errors.missing") });
      return;
    }

    setBusy(true);
    try {
      if (mode === "signup") {
        try {
          await api.register({ username: username.trim(), password });
        } catch (err) {
          if (err instanceof ApiError) {
            if (err.code === "CONFLICT" || err.status === 409) setErrors({ username: t("errors.taken") });
            else if (err.field === "password") setErrors({ password: fieldError(err, invalid("password")) });
            else if (err.field === "username") setErrors({ username: fieldError(err, invalid("username")) });
            else setErrors({ form: errorMessage(err) });
          } else {
            setErrors({ form: t("errors.registerFailed") });
          }
          return;
        }
      }
      const result = await signIn("credentials", { username: username.trim(), password, redirect: false });
      if (!result || result.error) {
        setErrors({
          form:
            result?.error === "CredentialsSignin"
              ? t("errors.wrongCredentials")
              : mode === "signup"
                ? t("errors.signInAfterSignUpFailed")
                : t("errors.signInFailed"),
        });
        return;
      }
      if (onSignedIn) {
        await onSignedIn();
        return;
      }
      router.replace(safeCallback(params.get("callbackUrl")));
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  const isSignup = mode === "signup";
  const form = (
        <form onSubmit={submit} noValidate className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <div>
            <label htmlFor={id("username")} className="block text-sm font-medium text-slate-700">
              {t("username")}
            </label>
            <input
              id={id("username")}
              data-testid={`${mode}-username`}
              name="username"
              autoComplete="username"
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={!!errors.username}
              aria-describedby={errors.username ? id("username-error") : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-rose-400"
            />
            {errors.username && (
              <p id={id("username-error")} data-testid={`${mode}-username-error`} className="mt-1 text-xs text-rose-700">
                {errors.username}
              </p>
            )}
          </div>
          <div>
            <label htmlFor={id("password")} className="block text-sm font-medium text-slate-700">
              {t("password")}
            </label>
            <input
              id={id("password")}
              data-testid={`${mode}-password`}
              name="password"
              type="password"
              autoComplete={isSignup ? "new-password" : "current-password"}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={!!errors.password}
              aria-describedby={errors.password ? id("password-error") : isSignup ? id("password-hint") : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-rose-400"
            />
            {errors.password ? (
              <p id={id("password-error")} data-testid={`${mode}-password-error`} className="mt-1 text-xs text-rose-700">
                {errors.password}
              </p>
            ) : (
              isSignup && (
                <p id={id("password-hint")} className="mt-1 text-xs text-slate-600">
                  {t("passwordHint")}
                </p>
              )
            )}
          </div>
          {errors.form && (
            <p role="alert" data-testid={`${mode}-error`} className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
              {errors.form}
            </p>
          )}
          <button
            type="submit"
            data-testid={`${mode}-submit`}
            disabled={busy || !hydrated}
            className="w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            {busy ? (isSignup ? t("creating") : t("signingIn")) : isSignup ? t("create") : t("signIn")}
          </button>
        </form>
  );
  if (embedded) {
    return (
      <div>
        {form}
        <p className="mt-3 text-center text-sm text-slate-600">
          {isSignup
            ? t.rich("haveAccount", {
                link: (chunks) => (
                  <button type="button" data-testid="switch-to-signin" onClick={onSwitch} className="font-medium text-indigo-600 hover:underline">
                    {chunks}
                  </button>
                ),
              })
            : t.rich("newHere", {
                link: (chunks) => (
                  <button type="button" data-testid="switch-to-signup" onClick={onSwitch} className="font-medium text-indigo-600 hover:underline">
                    {chunks}
                  </button>
                ),
              })}
        </p>
      </div>
    );
  }
  return (
    <main className="flex min-h-dvh items-center justify-center bg-gradient-to-b from-indigo-50 to-slate-50 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-2xl font-bold tracking-tight text-indigo-700">Confab</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-900">{isSignup ? t("signUpTitle") : t("signInTitle")}</h1>
        </div>
        {form}
        <p className="mt-4 text-center text-sm text-slate-600">
          {t.rich(isSignup ? "haveAccount" : "newHere", {
            link: (chunks) => (
              <Link href={isSignup ? "/signin" : "/signup"} className="font-medium text-indigo-600 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      </div>
    </main>
  );
}
