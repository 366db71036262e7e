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
