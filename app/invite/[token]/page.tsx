import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { getServerSession } from "next-auth";
import { Suspense } from "react";
import { InviteView } from "@/components/invite/InviteView";
import { authOptions } from "@/server/auth/options";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell.meta");
  return { title: t("invite") };
}

/** An invitation link: open to visitors, who can sign up or sign in right here. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await getServerSession(authOptions);
  return (
    <Suspense>
      <InviteView token={token} username={session?.user?.name ?? null} />
    </Suspense>
  );
}
