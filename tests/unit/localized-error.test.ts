import assert from "node:assert/strict";
import { test } from "node:test";
import { createTranslator } from "next-intl";
import { errorSentences, localizedError } from "@/i18n/errors";
import { messagesFor } from "@/i18n/messages";

const errorsIn = (locale: "en" | "de") => errorSentences(createTranslator({ locale, messages: messagesFor(locale), namespace: "errors" }));
const en = errorsIn("en");
const de = errorsIn("de");
const german = messagesFor("de").errors;

test("English readers get the server's precise words", () => {
  assert.equal(localizedError("en", { code: "CONFLICT", english: "Name is already taken" }, en), "Name is already taken");
  assert.equal(localizedError("en", { code: "FORBIDDEN", reason: "banned", english: "You are banned from this room" }, en), "You are banned from this room");
});

test("other languages get the code's sentence, and a reason's sentence before it", () => {
  assert.equal(localizedError("de", { code: "CONFLICT", english: "Name is already taken" }, de), german.codes.CONFLICT);
  assert.equal(localizedError("de", { code: "FORBIDDEN", reason: "banned", english: "You are banned from this room" }, de), german.reasons.banned);
  // A reason the UI has no sentence for still gets its code's.
  assert.equal(localizedError("de", { code: "FORBIDDEN", reason: "something_new", english: "Nope" }, de), german.codes.FORBIDDEN);
});

test("an unknown code keeps the server's words; no words fall back to the code's sentence, then the generic one", () => {
  assert.equal(localizedError("de", { code: "SOMETHING_NEW", english: "Odd" }, de), "Odd");
  assert.equal(localizedError("en", { code: "RATE_LIMITED" }, en), "Too many requests. Wait a moment and try again.");
  assert.equal(localizedError("en", { code: "SOMETHING_NEW", english: "" }, en), "Something went wrong. Try again.");
  assert.equal(localizedError("de", { code: null, english: null }, de), german.generic);
});

test("words shown at the field they name lose their `field: ` prefix and read as a sentence, in English only", () => {
  const taken = { code: "INVALID", english: "Name: is already used in this scope", field: "name" };
  assert.equal(localizedError("en", taken, en), "Is already used in this scope");
  assert.equal(localizedError("en", { ...taken, english: "name: is already used in this scope" }, en), "Is already used in this scope");
  assert.equal(localizedError("en", { ...taken, english: "Retention_days: too long", field: "retention_days" }, en), "Too long");
  // Only a prefix naming that field, and only at the start, is dropped.
  assert.equal(localizedError("en", { ...taken, english: "Topic: too long" }, en), "Topic: too long");
  assert.equal(localizedError("en", { ...taken, english: "The name: is odd" }, en), "The name: is odd");
  assert.equal(localizedError("en", { ...taken, field: undefined }, en), "Name: is already used in this scope");
  assert.equal(localizedError("de", taken, de), german.codes.INVALID);
  // Nothing but the prefix: the code's sentence, not an empty error.
  assert.equal(localizedError("en", { ...taken, english: "name: " }, en), "That input is not valid. Check it and try again.");
});

test("a caller's specific sentence wins over the code's in other languages, not over the reason's or English words", () => {
  const specific = "Dieser Benutzername kann nicht verwendet werden.";
  assert.equal(localizedError("de", { code: "INVALID", english: "Username: too short", field: "username", specific }, de), specific);
  assert.equal(localizedError("de", { english: "Too short", specific }, de), specific, "a client-side check has words and a sentence, no code");
  assert.equal(localizedError("de", { code: "FORBIDDEN", reason: "banned", english: "Not allowed: banned", specific }, de), german.reasons.banned);
  assert.equal(localizedError("en", { code: "TOO_LARGE", english: "Too large: over 10 MB", specific: "Too large to upload." }, en), "Too large: over 10 MB");
  assert.equal(localizedError("en", { code: "TOO_LARGE", english: "", specific: "Too large to upload." }, en), "Too large to upload.");
});
