/**
 * The assistant in the browser: two people watch the same reply stream in live, token by
 * token, and the requester stops it from the keyboard. The provider is the OpenAI-compatible
 * test fixture (tests/support/ai-fixture.ts); the assistant needs a server started with
 * AI_BASE_URL, so this spec starts its own Confab process (on a random port, fresh database)
 * instead of turning the assistant on for every other spec's server.
 */
import type { Browser } from "@playwright/test";
import { AiFixture } from "../tests/support/ai-fixture";
import { startServer, type TestServer } from "../tests/support/server";
import { expect, PASSWORD, test, uniqueName } from "./fixtures";
import { AuthPage } from "./pages/auth";
import { ChatPage } from "./pages/chat";

const AI_NAME = "e2ebot";

test.describe("the assistant", () => {
  // Starting a second server on a busy machine takes longer than one test's default budget.
  test.describe.configure({ timeout: 180_000 });
  let fixture: AiFixture;
  let server: TestServer;

  test.beforeAll(async () => {
    fixture = await AiFixture.start();
    server = await startServer({ AI_BASE_URL: fixture.url, AI_MODEL: "e2e-model", AI_NAME, RATE_AUTH_PER_MIN: "100000" });
  });
  test.afterAll(async () => {
    await server?.stop();
    await fixture?.close();
  });

  async function person(browser: Browser, prefix: string) {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const username = uniqueName(prefix);
    const auth = new AuthPage(page);
    await auth.signUp(username, PASSWORD);
    await auth.expectSignedIn(username);
    return { context, page, username, chat: new ChatPage(page) };
  }

  test("two people watch a reply stream in live; the requester stops it with the keyboard", async ({ browser }) => {
    const alice = await person(browser, "alice");
    const bob = await person(browser, "bob");
    try {
      const roomName = uniqueName("ai-room");
      await alice.chat.createRoom(roomName);
      await bob.chat.joinFromBrowse(roomName);
      for (const p of [alice, bob]) {
        await expect(p.page.getByTestId("assistant-notice")).toHaveAttribute("data-state", "on");
        await expect(p.page.getByTestId("assistant-notice")).toContainText(`@${AI_NAME}`);
      }

      fixture.script("e2e", { chunks: ["Streaming", " replies", " arrive", " token", " by", " token", " here"], holdAt: [2, 4] });
      await alice.chat.sendAndWaitForAck(`@${AI_NAME} tell us something [t:e2e]`);

      const replyOf = (p: typeof alice) => p.page.getByTestId("message").filter({ has: p.page.getByTestId("assistant-reply-status") });
      for (const p of [alice, bob]) {
        const reply = replyOf(p);
        await expect(reply.getByTestId("message-content")).toHaveText("Streaming replies");
        await expect(reply.getByTestId("streaming-caret")).toBeVisible();
        await expect(reply.getByTestId("message-content")).toHaveAttribute("aria-busy", "true");
        await expect(p.page.getByTestId("typing-indicator")).toContainText(AI_NAME);
      }
      await expect(replyOf(alice).getByTestId("assistant-stop")).toBeVisible();
      await expect(replyOf(bob).getByTestId("assistant-stop"), "only the requester and moderators may stop it").toHaveCount(0);

      // The next tokens reach both screens as they are generated.
      fixture.release("e2e");
      for (const p of [alice, bob]) await expect(replyOf(p).getByTestId("message-content")).toHaveText("Streaming replies arrive token");

      const request = await fixture.request("e2e");
      await replyOf(alice).getByTestId("assistant-stop").focus();
      await alice.page.keyboard.press("Enter");
      expect(await request.ended, "the provider request was aborted").toBe("aborted");

      for (const p of [alice, bob]) {
        const reply = replyOf(p);
        await expect(reply.getByTestId("assistant-stopped")).toBeVisible();
        await expect(reply.getByTestId("message-content")).toHaveText("Streaming replies arrive token");
        await expect(reply.getByTestId("streaming-caret")).toHaveCount(0);
        await expect(reply.getByTestId("assistant-stop")).toHaveCount(0);
        await expect(reply.getByTestId("assistant-detail")).toHaveAttribute("title", /Model: e2e-model · first token after \d+ ms/);
        await expect(p.page.getByTestId("typing-indicator")).not.toContainText(AI_NAME);
      }
    } finally {
      await Promise.all([alice.context.close(), bob.context.close()]);
    }
  });
});

test("without an AI provider the member list says the assistant is off and how to turn it on", async ({ newUser }) => {
  const carol = await newUser("carol");
  await carol.chat.createRoom(uniqueName("no-ai"));
  const notice = carol.page.getByTestId("assistant-notice");
  await expect(notice).toHaveAttribute("data-state", "off");
  await expect(notice).toContainText("AI_BASE_URL");
});
