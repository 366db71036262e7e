import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { ACK_TIMEOUT_MS, AckTimeouts, MAX_SEND_ATTEMPTS } from "@/lib/sync/ack-timeout";

function setup() {
  mock.timers.enable({ apis: ["setTimeout"] });
  const events: string[] = [];
  const acks: AckTimeouts = new AckTimeouts({
    resend: (id) => {
      events.push(`resend ${id}`);
      acks.sent(id); // the client transmits again, which re-arms the timer
    },
    giveUp: (id, attempts) => events.push(`failed ${id} after ${attempts}`),
  });
  return { acks, events };
}

test("an unanswered send is resent every 10 s with the same id, 3 attempts in all, then fails", (t) => {
  t.after(() => mock.timers.reset());
  const { acks, events } = setup();
  acks.sent("m1");
  mock.timers.tick(ACK_TIMEOUT_MS - 1);
  assert.deepEqual(events, [], "nothing before the timeout");
  mock.timers.tick(1);
  assert.deepEqual(events, ["resend m1"]);
  mock.timers.tick(ACK_TIMEOUT_MS);
  assert.deepEqual(events, ["resend m1", "resend m1"]);
  mock.timers.tick(ACK_TIMEOUT_MS);
  assert.deepEqual(events, ["resend m1", "resend m1", `failed m1 after ${MAX_SEND_ATTEMPTS}`]);
  mock.timers.tick(ACK_TIMEOUT_MS * 5);
  assert.equal(events.length, 3, "nothing after giving up");
});

test("an answer stops the timer; a manual retry starts the count again", (t) => {
  t.after(() => mock.timers.reset());
  const { acks, events } = setup();
  acks.sent("m1");
  mock.timers.tick(ACK_TIMEOUT_MS);
  assert.equal(acks.attempts("m1"), 2);
  acks.settle("m1");
  mock.timers.tick(ACK_TIMEOUT_MS * 3);
  assert.deepEqual(events, ["resend m1"], "acked: no more resends");
  acks.sent("m1");
  assert.equal(acks.attempts("m1"), 1, "a new send after settling counts from one");
});

test("a closed socket pauses every timer; the reconnect's resend counts from one", (t) => {
  t.after(() => mock.timers.reset());
  const { acks, events } = setup();
  acks.sent("a");
  acks.sent("b");
  mock.timers.tick(ACK_TIMEOUT_MS - 10);
  acks.pauseAll();
  mock.timers.tick(ACK_TIMEOUT_MS * 10);
  assert.deepEqual(events, []);
  acks.sent("a");
  assert.equal(acks.attempts("a"), 1);
});
