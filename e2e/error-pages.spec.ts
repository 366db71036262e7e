/** Pages people land on when something is missing or refused: branded, said once, with a way home. */
import { expect, test, uniqueName } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("an unknown address shows the branded 404 page with a way home, and the site has icons", async ({ newUser, baseURL }) => {
  const a = await newUser("nina");
  const response = await a.page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(a.page.getByTestId("error-page")).toBeVisible();
  await expect(a.page.getByRole("heading", { level: 1 })).toHaveText("This page does not exist");
  await expect(a.page).toHaveTitle(/Page not found · Confab/);
  await a.page.getByTestId("error-home").click();
  await expect(a.page).toHaveURL(`${baseURL}/`);

  for (const icon of ["/favicon.ico", "/icon.svg", "/apple-icon.png"]) {
    const res = await a.page.request.get(icon);
    expect(res.status(), icon).toBe(200);
    expect(res.headers()["content-type"], icon).toMatch(/^image\//);
  }
  expect(await a.page.locator('head link[rel="icon"]').count()).toBeGreaterThan(0);
});

test("a room that cannot be opened says why once: missing, private, or banned", async ({ newUser, baseURL }) => {
  const a = await newUser("owen");
  const b = await newUser("pia");

  await b.page.goto("/rooms/00000000-0000-4000-8000-000000000000");
  const error = b.page.getByTestId("room-error");
  await expect(error).toContainText("Room not found");
  expect((await error.innerText()).match(/not found/gi)?.length, "said once").toBe(1);

  const secret = await a.chat.createRoom(uniqueName("secret"), { visibility: "private" });
  await b.page.goto(`/rooms/${secret}`);
  await expect(error).toContainText("This room is private");
  await expect(error).toContainText("invitation");

  const open = await meetInPublicRoom(a, b);
  const me = await b.page.request.get("/api/me");
  const { id } = (await me.json()) as { id: string };
  const ban = await a.page.request.post(`/api/rooms/${open}/moderation`, { data: { action: "ban", user: id }, headers: { origin: baseURL! } });
  expect(ban.ok()).toBe(true);
  await b.page.goto(`/rooms/${open}`);
  await expect(error).toContainText("You are banned from this room");
  await expect(error).not.toContainText("private");
});
