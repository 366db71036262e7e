import assert from "node:assert/strict";
import { test } from "node:test";
import { HeartbeatClock, HeartbeatSweep } from "@/server/realtime/heartbeat";

type Member = { id: number; alive: boolean; answers: boolean; pings: number; dropped: boolean };

/** A sweep over fake sockets with a hand-turned event loop: `turn()` runs what was deferred. */
function harness(count: number, { perTurn = 100, intervalMs = 1_000 } = {}) {
  let now = 0;
  const members = new Set<Member>();
  for (let id = 0; id < count; id++) members.add({ id, alive: true, answers: true, pings: 0, dropped: false });
  let deferred: Array<() => void> = [];
  const graced: number[] = [];
  let visitedThisTurn = 0;
  const sweep = new HeartbeatSweep<Member>({
    intervalMs,
    perTurn,
    members,
    beat(member, mayDrop) {
      visitedThisTurn++;
      if (!member.alive && mayDrop) {
        member.dropped = true;
        members.delete(member);
        return;
      }
      member.alive = false;
      member.pings++;
    },
    graced: (lateMs) => graced.push(lateMs),
    clock: new HeartbeatClock(intervalMs, () => now),
    defer: (next) => void deferred.push(next),
  });
  return {
    sweep,
    members,
    graced,
    advance: (ms: number) => void (now += ms),
    /** Runs one turn of the loop (what was deferred before it); how many members it visited. */
    turn(): number {
      const run = deferred;
      deferred = [];
      visitedThisTurn = 0;
      for (const next of run) next();
      return visitedThisTurn;
    },
    /** Turns until the round is done; the members visited per turn. */
    finish(): number[] {
      const turns: number[] = [];
      while (deferred.length > 0) turns.push(this.turn());
      return turns;
    },
    /** The timer fires `lateMs` after the round was due and the round runs to its end; the members visited per turn. */
    round(lateMs = 0): number[] {
      now += intervalMs + lateMs;
      sweep.startRound();
      return this.finish();
    },
    /** Pongs arrive from the members that answer. */
    answer: () => {
      for (const m of members) if (m.answers) m.alive = true;
    },
  };
}

test("a heartbeat round visits at most perTurn sockets per turn of the event loop, starting a turn after the timer", () => {
  const h = harness(1_050, { perTurn: 100 });
  h.advance(1_000);
  h.sweep.startRound();
  assert.ok([...h.members].every((m) => m.pings === 0), "nobody is judged before I/O has been read");
  const turns = h.finish();
  assert.deepEqual(turns, [...Array<number>(10).fill(100), 50]);
  assert.ok([...h.members].every((m) => m.pings === 1), "everyone pinged once");
});

test("sockets that did not answer are dropped in the next round; those that did are pinged again", () => {
  const h = harness(500, { perTurn: 64 });
  const silent = [...h.members].filter((m) => m.id % 7 === 0);
  for (const m of silent) m.answers = false;
  h.round();
  h.answer();
  h.round();
  assert.ok(silent.every((m) => m.dropped), "every silent socket dropped");
  assert.equal(h.members.size, 500 - silent.length);
  assert.ok([...h.members].every((m) => !m.dropped && m.pings === 2), "every answering socket kept and pinged again");
  assert.deepEqual(h.graced, []);
});

test("a round that starts late (the server was stalled) drops nobody", () => {
  const h = harness(300, { perTurn: 100 });
  for (const m of h.members) m.answers = false;
  h.round();
  h.round(600);
  assert.equal(h.members.size, 300);
  assert.deepEqual(h.graced, [600]);
  // The server is responsive again: silence now counts.
  h.round();
  assert.equal(h.members.size, 0);
});

test("a stall in the middle of a round spares the sockets after it", () => {
  const h = harness(300, { perTurn: 100 });
  for (const m of h.members) m.answers = false;
  h.round();
  h.advance(1_000);
  h.sweep.startRound();
  assert.equal(h.turn(), 100);
  h.advance(700); // the loop was busy elsewhere between two slices
  h.finish();
  assert.equal(h.members.size, 200, "only the first slice, judged before the stall, was dropped");
  assert.deepEqual(h.graced, [700]);
});

test("a round still running when the next is due is abandoned, and the next drops nobody", () => {
  const h = harness(300, { perTurn: 100 });
  for (const m of h.members) m.answers = false;
  h.round();
  h.advance(1_000);
  h.sweep.startRound();
  h.turn();
  assert.equal(h.members.size, 200);
  h.advance(1_000);
  h.sweep.startRound(); // the previous round has two slices left
  const turns = h.finish();
  assert.deepEqual(turns, [100, 100, 0], "one round's slices, not two");
  assert.equal(h.members.size, 200);
  assert.deepEqual(h.graced, [0]);
});

test("stop ends a round in progress", () => {
  const h = harness(300, { perTurn: 100 });
  h.advance(1_000);
  h.sweep.startRound();
  h.turn();
  h.sweep.stop();
  assert.deepEqual(h.finish(), [0]);
  assert.equal([...h.members].filter((m) => m.pings > 0).length, 100);
});
