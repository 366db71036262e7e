/**
 * Voice messages from a fake microphone: Chromium plays a WAV made here (espeak-ng speech with
 * 2 s of silence before and after, by sox) as the microphone. The note arrives trimmed by the
 * voice-activity detector (much shorter than the padded file) and plays for the other member.
 * A browser with no microphone permission gets a plain error instead.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { CspWatch, expect, PASSWORD, test, uniqueName } from "./fixtures";
import { AuthPage } from "./pages/auth";
import { ChatPage } from "./pages/chat";

const seconds = (file: string) => Number(execFileSync("soxi", ["-D", file], { encoding: "utf8" }).trim());

function makeVoiceWav(): { file: string; speechMs: number; paddedMs: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "confab-voice-"));
  const speech = path.join(dir, "speech.wav");
  const padded = path.join(dir, "padded.wav");
  execFileSync("espeak-ng", ["-w", speech, "Hello everyone, this is a voice message recorded by the test."]);
  // Mono 48 kHz like a real microphone, then 2 s of silence on each side.
  execFileSync("sox", [speech, "-r", "48000", "-c", "1", padded, "pad", "2", "2"]);
  return { file: padded, speechMs: seconds(speech) * 1000, paddedMs: seconds(padded) * 1000 };
}

test("a voice note from a fake microphone is trimmed of its silence, sent, and plays for the other member", async ({ newUser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const wav = makeVoiceWav();
  const launch = testInfo.project.use.launchOptions ?? {};
  const browser = await chromium.launch({
    ...launch,
    args: [
      ...(launch.args ?? []),
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      // %noloop: the file plays once, then the microphone is silent.
      `--use-file-for-fake-audio-capture=${wav.file}%noloop`,
    ],
  });
  try {
    // Playwright answers permission prompts itself: grant the (fake) microphone.
    const context = await browser.newContext({ baseURL, permissions: ["microphone"] });
    const csp = new CspWatch();
    await csp.attach(context);
    const page = await context.newPage();
    const ann = { username: uniqueName("voiceann"), auth: new AuthPage(page), chat: new ChatPage(page) };
    await ann.auth.signUp(ann.username, PASSWORD);
    await ann.auth.expectSignedIn(ann.username);
    const bob = await newUser("voicebob");
    const name = uniqueName("voice");
    const roomId = await ann.chat.createRoom(name);
    expect(await bob.chat.joinFromBrowse(name)).toBe(roomId);

    const vadModel = page.waitForResponse((res) => res.url().endsWith("/vad/silero_vad_legacy.onnx") && res.ok());
    // Hold to record: press, keep the button down for the whole file, let go.
    await page.getByTestId("voice-record").hover();
    await page.mouse.down();
    const elapsed = page.getByTestId("voice-elapsed");
    await expect(elapsed).toBeVisible();
    const recordFor = Math.ceil(wav.paddedMs / 1000) + 1;
    await expect
      .poll(async () => {
        const [m, s] = (await elapsed.textContent())!.split(":").map(Number);
        return m! * 60 + s!;
      }, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(recordFor);
    await page.mouse.up();

    const preview = page.getByTestId("voice-preview");
    await expect(preview).toBeVisible({ timeout: 60_000 });
    await vadModel;
    // Trimmed by the Silero VAD, not the loudness fallback.
    await expect(preview).toHaveAttribute("data-trim", "vad");
    const trimmedMs = Number(await preview.getAttribute("data-duration-ms"));
    testInfo.annotations.push({ type: "voice", description: `padded ${wav.paddedMs} ms, speech ${Math.round(wav.speechMs)} ms, recorded ~${recordFor} s, trimmed ${trimmedMs} ms` });
    // The recording was ~recordFor seconds; the speech in it is speechMs. The 4 s of padding is gone.
    expect(trimmedMs).toBeLessThan(wav.paddedMs - 2500);
    expect(trimmedMs).toBeGreaterThan(wav.speechMs * 0.6);
    await expect(page.getByTestId("voice-waveform").locator("rect")).not.toHaveCount(0);

    await page.getByTestId("voice-send").click();
    await expect(page.getByTestId("voice-panel")).toHaveCount(0);
    const mine = page.getByTestId("message").filter({ has: page.getByTestId("audio-attachment") });
    await expect(mine).toHaveAttribute("data-state", "sent");

    const note = bob.page.getByTestId("message").filter({ has: bob.page.getByTestId("audio-attachment") });
    await expect(note.getByTestId("audio-attachment")).toHaveAttribute("data-duration-ms", String(trimmedMs));
    await expect(note).toContainText("Voice message");
    const audio = note.locator("audio");
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => (el.readyState >= 1 ? el.duration : 0)), { timeout: 20_000 }).toBeGreaterThan(0);
    const duration = await audio.evaluate((el: HTMLAudioElement) => el.duration);
    expect(Math.abs(duration * 1000 - trimmedMs)).toBeLessThan(100);
    // play() resolves (muted: no user gesture in a test); time then moves.
    await audio.evaluate(async (el: HTMLAudioElement) => {
      el.muted = true;
      await el.play();
    });
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0);
    expect(csp.violations).toEqual([]);
  } finally {
    await browser.close();
  }
});

test("without microphone access the recorder, started from the keyboard, says so plainly", async ({ newUser }) => {
  const ann = await newUser("nomic");
  await ann.chat.createRoom(uniqueName("nomic"));
  await ann.context.clearPermissions();
  // From the keyboard: Enter on the button starts (and would stop) a recording.
  await ann.page.getByTestId("voice-record").focus();
  await ann.page.keyboard.press("Enter");
  await expect(ann.page.getByTestId("voice-error")).toHaveText(/Microphone access was denied|No microphone was found/);
});
