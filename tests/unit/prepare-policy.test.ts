import assert from "node:assert/strict";
import { test } from "node:test";
import { prepareDecider } from "@/db/statements";

test("statements with parameters are prepared; none without, none above the parameter bound", () => {
  const decide = prepareDecider({ maxParams: 4, maxStatements: 10 });
  assert.equal(decide("select $1", 1), true);
  assert.equal(decide("select 1", 0), false);
  assert.equal(decide("select $1, $2, $3, $4", 4), true);
  assert.equal(decide("select $1, $2, $3, $4, $5", 5), false);
});

test("past the bound on distinct texts nothing new is prepared, and what was prepared still is", () => {
  const decide = prepareDecider({ maxParams: 4, maxStatements: 2 });
  assert.equal(decide("a $1", 1), true);
  assert.equal(decide("b $1", 1), true);
  assert.equal(decide("c $1", 1), false);
  assert.equal(decide("a $1", 1), true);
  assert.equal(decide("b $1", 1), true);
  assert.equal(decide("c $1", 1), false);
});
