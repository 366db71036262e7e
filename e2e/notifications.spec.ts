/**
 * Desktop notifications in Chromium: the permission is asked only from the prompt's button; a
 * hidden tab shows a notification for a qualifying message, clicking it opens the room; a room
 * at "Nothing" stays silent; the tab title counts unread; one tab of several notifies.
 *
 * Headless Chromium keeps every page "visible", so an init script lets the test hide a page
 * (document.visibilityState/hidden plus the `visibilitychange` event the app listens to), and
 * wraps window.Notification to record what the app shows.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test, type ChatUser } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

type Shown = { title: string; body: string; tag: string };
type Recorder = { shown: Shown[]; instances: Array<{ onclick: ((e: Event) => void) | null }>; requests: number; setHidden(hidden: boolean): void };
type WithRecorder = { __confab: Recorder };

async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const recorder: Recorder = {
      shown: [],
      instances: [],
      requests: 0,
      setHidden(next) {
        hidden = next;
        document.dispatchEvent(new Event("visibilitychange"));
      },
    };
    let hidden = false;
    Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hidden });
    const Real = window.Notification;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        recorder.shown.push({ title, body: options?.body ?? "", tag: options?.tag ?? "" });
        super(title, options);
        recorder.instances.push(this);
      }
      static override requestPermission(): Promise<NotificationPermission> {
        recorder.requests++;
        // A test that answers the request itself (exposeBinding) grants the permission only now.
        const answer = (window as unknown as { __confabAnswerPermission?: () => Promise<void> }).__confabAnswerPermission;
        return answer ? answer().then(() => Real.requestPermission()) : Real.requestPermission();
      }
    }
    window.Notification = Recording;
    (window as unknown as WithRecorder).__confab = recorder;
  });
}

const shown = (page: Page) => page.evaluate(() => (window as unknown as WithRecorder).__confab.shown);
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => (window as unknown as WithRecorder).__confab.setHidden(h), hidden);
const bodies = async (page: Page) => (await shown(page)).map((s) => s.body);

async function grant(user: ChatUser, baseURL: string | undefined) {
  await user.context.grantPermissions(["notifications"], { origin: baseURL });
}

test("the permission is requested only when the prompt's button is clicked", async ({ newUser, baseURL }) => {
  const c = await newUser("cy");
  // The browser grants the permission when the page asks for it, not before: granted earlier, any
  // re-render could hide the prompt before the click (the prompt follows the permission).
  await c.context.exposeBinding("__confabAnswerPermission", () => grant(c, baseURL));
  await instrument(c.context);
  await c.page.reload();
  const prompt = c.page.getByTestId("notifications-prompt");
  await expect(prompt).toBeVisible();
  await expect(prompt.getByRole("button", { name: "Enable desktop notifications" })).toBeVisible();
  expect(await c.page.evaluate(() => (window as unknown as WithRecorder).__confab.requests)).toBe(0);
  await prompt.getByRole("button", { name: "Enable desktop notifications" }).click();
  await expect(prompt).toBeHidden();
  expect(await c.page.evaluate(() => (window as unknown as WithRecorder).__confab.requests)).toBe(1);
});

test("a hidden tab notifies, counts unread in its title, opens the room on click, and stays silent at Nothing", async ({ newUser, baseURL }) => {
  const a = await newUser("al");
  const b = await newUser("bo");
  await grant(b, baseURL);
  await instrument(b.context);
  await b.page.reload();
  const roomId = await meetInPublicRoom(a, b);
  await expect(b.page).toHaveTitle(/^#room_[a-z0-9_]+ · Confab$/);

  await setHidden(b.page, true);
  await a.chat.sendAndWaitForAck("knock knock");
  await expect.poll(() => bodies(b.page)).toEqual(["knock knock"]);
  expect((await shown(b.page))[0]!.title).toBe(`${a.username} in ${(await b.page.title()).replace(/^\(\d+\) /, "").replace(/ · Confab$/, "")}`);
  await expect(b.page).toHaveTitle(/^\(1\) #room_[a-z0-9_]+ · Confab$/);
  await a.chat.sendAndWaitForAck("second knock");
  await expect(b.page).toHaveTitle(/^\(2\) #room_[a-z0-9_]+ · Confab$/);

  // Elsewhere in the app (client-side navigation keeps the recorder), then a click on the notification.
  await b.page.getByRole("link", { name: "Confab", exact: true }).first().click();
  await expect(b.page).toHaveURL(/\/$/);
  await a.chat.sendAndWaitForAck("come back");
  // Once the tab has left the room it is only watched (the leave may still be on its way): the
  // notification then names sender and room without the text.
  await expect.poll(async () => (await bodies(b.page)).length).toBe(3);
  expect(["come back", "New message"]).toContain((await bodies(b.page))[2]);
  expect((await shown(b.page))[2]!.title).toBe((await shown(b.page))[0]!.title);
  await b.page.evaluate(() => {
    const last = (window as unknown as WithRecorder).__confab.instances.at(-1)!;
    last.onclick?.(new Event("click"));
  });
  await expect(b.page).toHaveURL(new RegExp(`/rooms/${roomId}$`));

  // Back in front: read, and the count leaves the title.
  await setHidden(b.page, false);
  await expect(b.page).toHaveTitle(/^#room_[a-z0-9_]+ · Confab$/);

  // "Nothing": no notification for the next message; back to "All messages", the one after notifies.
  await b.page.getByTestId("notification-level").selectOption("none");
  await expect(b.page.getByTestId("notification-level")).toHaveValue("none");
  await setHidden(b.page, true);
  await a.chat.sendAndWaitForAck("quiet please");
  await expect(b.chat.messages("quiet please")).toHaveCount(1);
  await b.page.getByTestId("notification-level").selectOption("all");
  await expect(b.page.getByTestId("notification-level")).toHaveValue("all");
  await a.chat.sendAndWaitForAck("loud again");
  await expect.poll(() => bodies(b.page)).toContain("loud again");
  expect(await bodies(b.page)).not.toContain("quiet please");
});

test("with two hidden tabs of the same user, each message notifies once", async ({ newUser, baseURL }) => {
  const a = await newUser("ann");
  const b = await newUser("ben");
  await grant(b, baseURL);
  await instrument(b.context);
  await b.page.reload();
  const roomId = await meetInPublicRoom(a, b);
  const second = await b.context.newPage();
  await second.goto(`/rooms/${roomId}`);
  await expect(second.getByTestId("composer-input")).toBeVisible();
  await setHidden(b.page, true);
  await setHidden(second, true);

  await a.chat.sendAndWaitForAck("only once");
  await a.chat.sendAndWaitForAck("barrier");
  // Each tab claims "only once" before "barrier" (one IndexedDB connection runs its transactions
  // in order), so once "barrier" was shown somewhere, "only once" was settled.
  const all = async () => [...(await bodies(b.page)), ...(await bodies(second))];
  await expect.poll(async () => (await all()).filter((t) => t === "barrier").length).toBe(1);
  await expect(second).toHaveTitle(/^\(2\) /);
  await expect(b.page).toHaveTitle(/^\(2\) /);
  expect((await all()).filter((t) => t === "only once")).toHaveLength(1);
});
