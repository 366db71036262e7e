/**
 * Files in the UI (docs/uploads.md "In the app"): paste, drag-and-drop and the attach button
 * upload through the tray (progress, cancel), the message carries the uploads to the other
 * member, images open in a keyboard-driven lightbox, files download byte for byte, a send
 * queued offline keeps its attachments, and the room's "File sharing" setting hides the
 * attach button live.
 */
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "@playwright/test";
import sharp from "sharp";
import { expect, test, uniqueName } from "./fixtures";
import { goOffline, goOnline, meetInPublicRoom } from "./support/scenarios";

const png = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

/** A tiny but real PDF (file-type recognizes it by its header). */
function pdfBytes(): Buffer {
  const body = `%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%${"x".repeat(2000)}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** A DataTransfer holding one file, built in the page (what a drop or a paste carries). */
async function transferOf(page: Page, bytes: Buffer, name: string, type: string) {
  return page.evaluateHandle(
    ({ data, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
      return transfer;
    },
    { data: bytes.toString("base64"), name, type },
  );
}

const messageWithAttachments = (page: Page): Locator => page.getByTestId("message").filter({ has: page.getByTestId("attachments") });

test("a pasted image reaches the other member as a thumbnail sized before it loads", async ({ newUser }) => {
  const [ann, bob] = [await newUser("pasteann"), await newUser("pastebob")];
  await meetInPublicRoom(ann, bob);

  const image = await png(400, 300, "#d03030");
  const transfer = await transferOf(ann.page, image, "screenshot.png", "image/png");
  await ann.chat.composer.evaluate((el, dt) => el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt as DataTransfer, bubbles: true, cancelable: true })), transfer);
  const item = ann.page.getByTestId("upload-item");
  await expect(item).toHaveAttribute("data-state", "done");
  // The paste became an attachment, not text.
  await expect(ann.chat.composer).toHaveValue("");
  await ann.chat.composer.press("Enter");
  await expect(ann.page.getByTestId("upload-tray")).toHaveCount(0);
  await expect(messageWithAttachments(ann.page).and(ann.page.locator('[data-state="sent"]'))).toHaveCount(1);

  const thumb = messageWithAttachments(bob.page).getByTestId("attachment-image");
  await expect(thumb).toHaveCount(1);
  // 400 x 300 scaled into 320 x 240, from the wire's width/height: the box is right before any byte loads.
  const img = thumb.locator("img");
  await expect(img).toHaveAttribute("width", "320");
  await expect(img).toHaveAttribute("height", "240");
  await expect(img).toHaveAttribute("loading", "lazy");
  await expect(img).toHaveAttribute("src", /\/api\/uploads\/[^/]+\/thumb$/);
  await img.scrollIntoViewIfNeeded();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
});

test("the lightbox: arrows move between a message's images, Tab stays inside, Escape closes and gives focus back", async ({ newUser }) => {
  const ann = await newUser("lightann");
  await ann.chat.createRoom(uniqueName("lightbox"));
  await ann.page.getByTestId("attach-input").setInputFiles([
    { name: "first.png", mimeType: "image/png", buffer: await png(200, 100, "#2050d0") },
    { name: "second.png", mimeType: "image/png", buffer: await png(100, 200, "#20a040") },
    { name: "third.png", mimeType: "image/png", buffer: await png(150, 150, "#a0a020") },
  ]);
  await expect(ann.page.getByTestId("upload-item").and(ann.page.locator('[data-state="done"]'))).toHaveCount(3);
  await ann.chat.composer.fill("three pictures");
  await ann.chat.composer.press("Enter");
  const row = ann.chat.messages("three pictures");
  await expect(row.and(ann.page.locator('[data-state="sent"]'))).toHaveCount(1);
  const thumbs = row.getByTestId("attachment-image");
  await expect(thumbs).toHaveCount(3);

  await thumbs.nth(1).click();
  const box = ann.page.getByTestId("lightbox");
  await expect(box).toHaveAttribute("data-index", "1");
  await expect(box.getByTestId("lightbox-image")).toHaveAttribute("alt", "second.png");
  await expect(ann.page.getByTestId("lightbox-close")).toBeFocused();
  await ann.page.keyboard.press("ArrowRight");
  await expect(box).toHaveAttribute("data-index", "2");
  await expect(box.getByTestId("lightbox-image")).toHaveAttribute("alt", "third.png");
  await ann.page.keyboard.press("ArrowRight");
  await expect(box).toHaveAttribute("data-index", "0");
  await ann.page.keyboard.press("ArrowLeft");
  await expect(box).toHaveAttribute("data-index", "2");
  await expect.poll(() => box.getByTestId("lightbox-image").evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(150);

  // Focus is trapped: however far Tab goes, it stays in the dialog.
  for (let i = 0; i < 6; i++) {
    await ann.page.keyboard.press(i % 2 ? "Shift+Tab" : "Tab");
    expect(await box.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  for (let i = 0; i < 5; i++) await ann.page.keyboard.press("Tab");
  expect(await box.evaluate((el) => el.contains(document.activeElement))).toBe(true);

  await ann.page.keyboard.press("Escape");
  await expect(box).toHaveCount(0);
  await expect(thumbs.nth(1)).toBeFocused();
});

test("a PDF dropped onto the room, sent while offline, reaches the other member and downloads byte for byte", async ({ newUser }) => {
  const [ann, bob] = [await newUser("dropann"), await newUser("dropbob")];
  const roomId = await meetInPublicRoom(ann, bob);
  const pdf = pdfBytes();

  const transfer = await transferOf(ann.page, pdf, "quarterly report.pdf", "application/pdf");
  await ann.chat.composer.dispatchEvent("dragenter", { dataTransfer: transfer });
  await expect(ann.page.getByTestId("drop-overlay")).toBeVisible();
  await ann.chat.composer.dispatchEvent("dragover", { dataTransfer: transfer });
  await ann.chat.composer.dispatchEvent("drop", { dataTransfer: transfer });
  await expect(ann.page.getByTestId("drop-overlay")).toHaveCount(0);
  await expect(ann.page.getByTestId("upload-item")).toHaveAttribute("data-state", "done");

  // The upload is on the server; the message naming it waits in the outbox while offline.
  const offline = await goOffline(ann);
  await ann.chat.send("the report");
  await expect(ann.chat.messages("the report")).toHaveAttribute("data-state", "sending");
  await expect(ann.chat.messages("the report").getByTestId("file-card")).toHaveAttribute("data-name", "quarterly report.pdf");
  await goOnline(ann, roomId, offline);
  await expect(ann.chat.messages("the report")).toHaveAttribute("data-state", "sent");

  const card = bob.chat.messages("the report").getByTestId("file-card");
  await expect(card).toHaveAttribute("data-name", "quarterly report.pdf");
  await expect(card).toContainText("KB");
  const download = bob.page.waitForEvent("download");
  await card.getByTestId("file-download").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("quarterly report.pdf");
  expect((await readFile(await file.path())).equals(pdf)).toBe(true);
});

test("the tray shows upload progress, cancel aborts the request, and a refused file says why", async ({ newUser }) => {
  const ann = await newUser("progann");
  const roomId = await ann.chat.createRoom(uniqueName("progress"));
  // Slow the upload link so progress can be watched: 4 MiB at 256 KiB/s takes about 16 s.
  const cdp = await ann.context.newCDPSession(ann.page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  const aborted = ann.page.waitForEvent("requestfailed", (req) => req.url().endsWith(`/api/rooms/${roomId}/uploads`));

  await ann.page.getByTestId("attach-input").setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(4 * 1024 * 1024, 7) });
  const item = ann.page.getByTestId("upload-item");
  await expect(item).toHaveAttribute("data-state", "uploading");
  const bar = item.getByTestId("upload-progress");
  await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow"))).toBeGreaterThan(0);
  expect(Number(await bar.getAttribute("aria-valuenow"))).toBeLessThan(100);
  // Nothing can be sent while a file is still on its way.
  await ann.chat.composer.fill("waiting for it");
  await expect(ann.page.getByTestId("composer-send")).toBeDisabled();

  await item.getByTestId("upload-cancel").click();
  await expect(item).toHaveCount(0);
  await aborted;
  await expect(ann.page.getByTestId("composer-send")).toBeEnabled();

  // A refusal is shown on the file itself: an empty file is not an upload.
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await ann.page.getByTestId("attach-input").setInputFiles({ name: "empty.txt", mimeType: "text/plain", buffer: Buffer.alloc(0) });
  await expect(ann.page.getByTestId("upload-item")).toHaveAttribute("data-state", "error");
  await expect(ann.page.getByTestId("upload-error")).not.toBeEmpty();
});

test("turning File sharing off hides the attach button for members, live, and on brings it back", async ({ newUser }) => {
  const [ann, bob] = [await newUser("setann"), await newUser("setbob")];
  const roomId = await meetInPublicRoom(ann, bob);
  await expect(bob.page.getByTestId("attach-button")).toBeVisible();
  await expect(bob.page.getByTestId("voice-record")).toBeVisible();

  const toggle = async (on: boolean) => {
    await ann.page.goto(`/rooms/${roomId}/manage`);
    const box = ann.page.getByTestId("settings-files");
    await expect(box).toBeVisible();
    await box.setChecked(on);
    await ann.page.getByTestId("settings-save").click();
    await expect(ann.page.getByTestId("settings-saved")).toBeVisible();
  };
  await toggle(false);
  await expect(bob.page.getByTestId("attach-button")).toHaveCount(0);
  await expect(bob.page.getByTestId("voice-record")).toHaveCount(0);
  // A drop is ignored too: no overlay, nothing uploaded.
  const transfer = await transferOf(bob.page, pdfBytes(), "nope.pdf", "application/pdf");
  await bob.chat.composer.dispatchEvent("dragenter", { dataTransfer: transfer });
  await bob.chat.composer.dispatchEvent("drop", { dataTransfer: transfer });
  await expect(bob.page.getByTestId("drop-overlay")).toHaveCount(0);
  await expect(bob.page.getByTestId("upload-item")).toHaveCount(0);
  // And after a reload (from REST, not the live frame).
  await bob.page.reload();
  await expect(bob.chat.composer).toBeVisible();
  await expect(bob.page.getByTestId("attach-button")).toHaveCount(0);

  await toggle(true);
  await expect(bob.page.getByTestId("attach-button")).toBeVisible();
});
