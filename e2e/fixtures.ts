/**
 * Multi-user fixtures: every user gets their own browser context (own cookies, own socket)
 * and a unique username, and a record of the page's WebSockets so tests can prove a socket
 * really closed and a new one opened.
 */
import { test as base, expect, type BrowserContext, type Page, type WebSocket } from "@playwright/test";
import { AuthPage } from "./pages/auth";
import { ChatPage } from "./pages/chat";

export const PASSWORD = "correct horse battery staple";

let counter = 0;
/** Unique across runs and within one (usernames: 3–32 chars of [a-zA-Z0-9_.-]). */
export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A client frame as the page sent it (parsed loosely: tests only read a few fields). */
export type SentFrame = { type: string; id?: string; room?: string; since?: number; content?: string };

/** The page's chat sockets, in the order they were opened, with the frames each one sent. */
export class SocketTracker {
  readonly sockets: WebSocket[] = [];
  private closed = new Set<WebSocket>();
  private sent = new Map<WebSocket, SentFrame[]>();

  constructor(page: Page) {
    page.on("websocket", (ws) => {
      if (!new URL(ws.url()).pathname.startsWith("/ws")) return;
      this.sockets.push(ws);
      this.sent.set(ws, []);
      ws.on("framesent", ({ payload }) => {
        try {
          this.sent.get(ws)!.push(JSON.parse(String(payload)) as SentFrame);
        } catch {
          // not JSON: not ours
        }
      });
      ws.on("close", () => this.closed.add(ws));
    });
  }

  get openCount(): number {
    return this.sockets.filter((ws) => !this.closed.has(ws)).length;
  }

  /** Frames sent on the n-th socket (negative counts from the newest). */
  framesOf(index: number): SentFrame[] {
    const ws = this.sockets.at(index);
    return ws ? (this.sent.get(ws) ?? []) : [];
  }
}

export interface ChatUser {
  username: string;
  password: string;
  context: BrowserContext;
  page: Page;
  auth: AuthPage;
  chat: ChatPage;
  sockets: SocketTracker;
}

/**
 * Every Content-Security-Policy violation any page of the test reports, from the
 * `securitypolicyviolation` event and from Chromium's "Refused to …" console errors. The app
 * must run under its own policy, so a test that causes a violation fails.
 */
export class CspWatch {
  readonly violations: string[] = [];

  async attach(context: BrowserContext): Promise<void> {
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`[csp] ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    context.on("console", (msg) => {
      const text = msg.text();
      if (text.startsWith("Refused to") || text.startsWith("[csp]")) this.violations.push(`${msg.location().url}: ${text}`);
    });
  }
}

type Fixtures = {
  /** Opens a fresh browser context for a new user; `signUp` (default) registers through the UI. */
  newUser: (prefix: string, opts?: { signUp?: boolean }) => Promise<ChatUser>;
  cspWatch: CspWatch;
};

export const test = base.extend<Fixtures>({
  cspWatch: [
    async ({}, provide) => {
      const watch = new CspWatch();
      await provide(watch);
      expect(watch.violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, cspWatch }, provide) => {
    await cspWatch.attach(context);
    await provide(context);
  },
  newUser: async ({ browser, cspWatch }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (prefix, opts = {}) => {
      const context = await browser.newContext();
      await cspWatch.attach(context);
      contexts.push(context);
      const page = await context.newPage();
      const user: ChatUser = {
        username: uniqueName(prefix),
        password: PASSWORD,
        context,
        page,
        auth: new AuthPage(page),
        chat: new ChatPage(page),
        sockets: new SocketTracker(page),
      };
      if (opts.signUp ?? true) {
        await user.auth.signUp(user.username, user.password);
        await user.auth.expectSignedIn(user.username);
      }
      return user;
    });
    for (const context of contexts) await context.close();
  },
});

export { expect };
