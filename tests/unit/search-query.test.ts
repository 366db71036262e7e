import assert from "node:assert/strict";
import { test } from "node:test";
import { buildTsQuery, MAX_SEARCH_TERMS } from "@/server/chat/search";

test("words become quoted prefix terms, all required", () => {
  assert.equal(buildTsQuery("Deplo prod"), "'deplo':* & 'prod':*");
  assert.equal(buildTsQuery("déploiement 日本語 x2"), "'déploiement':* & '日本語':* & 'x2':*");
});

test("tsquery operators and quotes are separators, never syntax", () => {
  assert.equal(buildTsQuery("a & b | !c <-> (d):* 'e' \"f\" \\g"), "'a':* & 'b':* & 'c':* & 'd':* & 'e':* & 'f':* & 'g':*");
  for (const q of ["&", "|", "!", ":*", "'", '"', "()", "<->", "\\", "   ", "_-_"]) assert.equal(buildTsQuery(q), null, q);
});

test("repeated words count once; the number of terms and their length are bounded", () => {
  assert.equal(buildTsQuery("go GO go"), "'go':*");
  const many = Array.from({ length: 20 }, (_, i) => `w${i}`).join(" ");
  assert.equal(buildTsQuery(many)!.split(" & ").length, MAX_SEARCH_TERMS);
  assert.equal(buildTsQuery("a".repeat(500)), `'${"a".repeat(64)}':*`);
});
