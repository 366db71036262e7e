import assert from "node:assert/strict";
import { test } from "node:test";
import { createTranslator } from "next-intl";
import { pendingReasonText } from "@/components/room/usePendingReason";
import { errorSentences } from "@/i18n/errors";
import { messagesFor } from "@/i18n/messages";
import { NO_ANSWER } from "@/lib/sync/outbox";

function translators(locale: "en" | "de") {
  const messages = messagesFor(locale);
  const message = createTranslator({ locale, messages, namespace: "room.message" });
  const errors = createTranslator({ locale, messages, namespace: "errors" });
  return {
    locale,
    message: (key: "noAnswer", values: { attempts: number }) => message(key, values),
    errors: errorSentences(errors),
  };
}

test("an unsent message's reason: the server's words in English, the code's sentence in German", () => {
  const noAnswer = { error: "No answer from the server after 3 attempts.", errorCode: NO_ANSWER, errorAttempts: 3 };
  assert.equal(pendingReasonText(noAnswer, translators("en")), "No answer from the server after 3 attempts.");
  assert.equal(pendingReasonText(noAnswer, translators("de")), "Keine Antwort vom Server nach 3 Versuchen.");

  const limited = { error: "Slow down: 5 messages per 10 s", errorCode: "RATE_LIMITED" };
  assert.equal(pendingReasonText(limited, translators("en")), "Slow down: 5 messages per 10 s");
  assert.match(pendingReasonText(limited, translators("de")) ?? "", /Zu viele Anfragen/);

  // A code the UI has no sentence for keeps the server's words; no reason stays none.
  assert.equal(pendingReasonText({ error: "Odd", errorCode: "SOMETHING_NEW" }, translators("de")), "Odd");
  assert.equal(pendingReasonText({}, translators("de")), undefined);
});
