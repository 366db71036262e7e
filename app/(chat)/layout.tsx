import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { ChatShell } from "@/components/shell/ChatShell";
import { authOptions } from "@/server/auth/options";

/** Everything behind sign-in shares one shell (and one socket) across room navigation. */
export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) redirect("/signin");
  return <ChatShell user={session.user}>{children}</ChatShell>;
}
