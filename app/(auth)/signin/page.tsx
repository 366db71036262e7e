import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { Suspense } from "react";
import { AuthForm } from "@/components/auth/AuthForm";
import { authOptions } from "@/server/auth/options";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell.meta");
  return { title: t("signin") };
}

export default async function SignInPage() {
  if (await getServerSession(authOptions)) redirect("/");
  return (
    <Suspense>
      <AuthForm mode="signin" />
    </Suspense>
  );
}
