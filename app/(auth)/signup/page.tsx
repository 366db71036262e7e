import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { Suspense } from "react";
import { AuthForm } from "@/components/auth/AuthForm";
import { authOptions } from "@/server/auth/options";

export const metadata: Metadata = { title: "Create account · Confab" };

export default async function SignUpPage() {
  if (await getServerSession(authOptions)) redirect("/");
  return (
    <Suspense>
      <AuthForm mode="signup" />
    </Suspense>
  );
}
