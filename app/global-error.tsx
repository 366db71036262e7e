"use client";
import "./globals.css";
import { ErrorPage } from "@/components/errors/ErrorPage";

/** The root layout itself failed: this replaces it, so it brings its own <html>. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="antialiased">
        <ErrorPage
          code="Error"
          title="Confab could not load"
          action={
            <button type="button" onClick={reset} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100" data-testid="error-retry">
              Try again
            </button>
          }
        >
          Reload in a moment.{error.digest ? ` Reference: ${error.digest}.` : ""}
        </ErrorPage>
      </body>
    </html>
  );
}
