import { expect, test, uniqueName } from "./fixtures";

test("signed-out visitors are sent to sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByTestId("signin-submit")).toBeVisible();
});

test("sign-up shows validation and a taken username inline", async ({ newUser }) => {
  const first = await newUser("dora");
  const other = await newUser("eve", { signUp: false });

  await other.page.goto("/signup");
  await other.page.getByTestId("signup-username").fill("x");
  await other.page.getByTestId("signup-password").fill("short");
  await other.page.getByTestId("signup-submit").click();
  await expect(other.page.getByTestId("signup-username-error")).toContainText("at least 3 characters");
  await expect(other.page.getByTestId("signup-password-error")).toContainText("at least 8 characters");

  await other.auth.signUp(first.username, "another good password");
  await expect(other.page.getByTestId("signup-username-error")).toContainText("taken");
  await expect(other.page).toHaveURL(/\/signup/);
});

test("sign-in rejects a wrong password, then signs in and out", async ({ newUser }) => {
  const user = await newUser("fred");
  await user.page.getByTestId("sign-out").click();
  await expect(user.page).toHaveURL(/\/signin/);

  await user.auth.signIn(user.username, "not the password");
  await expect(user.page.getByTestId("signin-error")).toHaveText("Wrong username or password.");

  await user.auth.signIn(user.username, user.password);
  await user.auth.expectSignedIn(user.username);
  await expect(user.page).toHaveURL(/\/$/);
});

test("a private room is not listed in Browse and cannot be opened by others", async ({ newUser }) => {
  const owner = await newUser("gina");
  const name = uniqueName("secret");
  const roomId = await owner.chat.createRoom(name, { visibility: "private" });

  const stranger = await newUser("hank");
  await stranger.page.getByTestId("public-room-search").fill(name);
  await expect(stranger.page.getByText("No public rooms match.")).toBeVisible();
  await stranger.page.goto(`/rooms/${roomId}`);
  await expect(stranger.page.getByTestId("room-error")).toContainText("private");
});
