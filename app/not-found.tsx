import type { Metadata } from "next";
import { ErrorPage } from "@/components/errors/ErrorPage";

export const metadata: Metadata = { title: "Page not found · Confab" };

export default function NotFound() {
  return (
    <ErrorPage code="404" title="This page does not exist">
      The link may be mistyped, or what it pointed to was moved or deleted.
    </ErrorPage>
  );
}
