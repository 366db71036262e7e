"use client";
import { usePathname } from "next/navigation";
import { useMediaQuery } from "@/hooks/useMediaQuery";
import { ChatProvider } from "./ChatProvider";
import { ConnectionBanner } from "./ConnectionBanner";
import { DesktopNotifications } from "./DesktopNotifications";
import { KeyboardShortcuts } from "./KeyboardShortcuts";
import { Notices } from "./Notices";
import { Sidebar } from "./Sidebar";
import { ThemeSync } from "@/components/theme/ThemeSync";
import { UpdateBanner } from "./UpdateBanner";

/**
 * The signed-in app: sidebar + the routed page, inside the one chat connection. On narrow
 * screens the sidebar is the home page and a room takes the whole width.
 */
export function ChatShell({ user, children }: { user: { id: string; name: string }; children: React.ReactNode }) {
  const inRoom = (usePathname() ?? "/") !== "/";
  // On a phone's home page the sidebar is the whole page (the main column is hidden), so it is
  // the page's main landmark there.
  const sidebarIsPage = !useMediaQuery("(min-width: 768px)", true) && !inRoom;
  return (
    <ChatProvider userId={user.id}>
      <div className="flex h-dvh flex-col">
        <KeyboardShortcuts />
        <UpdateBanner />
        <ConnectionBanner />
        <DesktopNotifications />
        <ThemeSync />
        <div className="flex min-h-0 flex-1 overflow-hidden">
          <div role={sidebarIsPage ? "main" : undefined} className={`${inRoom ? "hidden md:flex" : "flex"} w-full shrink-0 md:w-auto`}>
            <Sidebar username={user.name} />
          </div>
          <main className={`${inRoom ? "flex" : "hidden md:flex"} min-w-0 flex-1 flex-col bg-white`}>{children}</main>
        </div>
      </div>
      <Notices />
    </ChatProvider>
  );
}
