import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { parseConfig } from "@/server/config";
import { TypingTracker } from "@/server/realtime/typing";

const alice = { id: "a", username: "alice" };
const bob = { id: "b", username: "bob" };

test("the default typing TTL is 3 s, and a typist drops out exactly then", () => {
  const ttl = parseConfig({}).TYPING_TTL_MS;
  assert.equal(ttl, 3000);
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const changes: string[] = [];
    const tracker = new TypingTracker(ttl, (room, user) => changes.push(`${room}:${user}`));
    tracker.apply("r", alice, "start");
    mock.timers.tick(2999);
    assert.deepEqual(tracker.typists("r"), [alice]);
    mock.timers.tick(1);
    assert.deepEqual(tracker.typists("r"), []);
    assert.deepEqual(changes, ["r:a", "r:a"]);
  } finally {
    mock.timers.reset();
  }
});

test("a new start pushes the expiry back; repeated starts are not re-announced", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let changes = 0;
    const tracker = new TypingTracker(3000, () => changes++);
    tracker.apply("r", alice, "start");
    mock.timers.tick(2000);
    tracker.apply("r", alice, "start");
    mock.timers.tick(2000);
    assert.deepEqual(tracker.typists("r"), [alice]);
    assert.equal(changes, 1);
    mock.timers.tick(1000);
    assert.deepEqual(tracker.typists("r"), []);
    assert.equal(changes, 2);
  } finally {
    mock.timers.reset();
  }
});

test("stop removes at once; stop for someone not typing changes nothing", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let changes = 0;
    const tracker = new TypingTracker(3000, () => changes++);
    tracker.apply("r", bob, "stop");
    assert.equal(changes, 0);
    tracker.apply("r", alice, "start");
    tracker.apply("r", bob, "start");
    tracker.apply("r", alice, "stop");
    assert.deepEqual(tracker.typists("r"), [bob]);
    assert.equal(changes, 3);
    mock.timers.tick(3000);
    assert.deepEqual(tracker.typists("r"), []);
    assert.equal(changes, 4);
  } finally {
    mock.timers.reset();
  }
});
