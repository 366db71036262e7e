import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { LOCALES, negotiateLocale, resolveLocale } from "@/i18n/config";
import { catalogs, en, messagesFor } from "@/i18n/messages";

/** Every leaf message of a namespace tree, by dotted path. */
function leaves(tree: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree === "string") out.set(prefix, tree);
  else if (tree && typeof tree === "object") {
    for (const [key, value] of Object.entries(tree)) for (const [path, text] of leaves(value, prefix ? `${prefix}.${key}` : key)) out.set(path, text);
  }
  return out;
}

/** The arguments a message takes (`{name}`, plural and select variables, rich-text tags). */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      into.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    }
    if (el.type === TYPE.tag) {
      into.add(`<${el.value}>`);
      argumentsOf(el.children, into);
    }
  }
  return into;
}

describe("interface languages", () => {
  const english = leaves(en);

  test("English messages exist and all parse as ICU messages", () => {
    assert.ok(english.size > 0);
    for (const [path, text] of english) assert.doesNotThrow(() => parse(text), `en ${path}`);
  });

  for (const locale of LOCALES.filter((l) => l !== "en")) {
    test(`${locale} has exactly the English keys, each with the same arguments`, () => {
      const translated = leaves(catalogs[locale]);
      const missing = [...english.keys()].filter((k) => !translated.has(k));
      const extra = [...translated.keys()].filter((k) => !english.has(k));
      assert.deepEqual(missing, [], `${locale} lacks these keys`);
      assert.deepEqual(extra, [], `${locale} has keys English does not`);
      for (const [path, text] of translated) {
        const theirs = [...argumentsOf(parse(text))].sort();
        const ours = [...argumentsOf(parse(english.get(path) ?? ""))].sort();
        assert.deepEqual(theirs, ours, `${locale} ${path}: arguments differ from English`);
      }
    });
  }

  test("a language missing a key falls back to English for it, not to the key's path", () => {
    const merged = leaves(messagesFor("de"));
    for (const path of english.keys()) assert.equal(typeof merged.get(path), "string", path);
  });

  test("Accept-Language picks the best shipped language by weight, then by primary subtag", () => {
    assert.equal(negotiateLocale(undefined), "en");
    assert.equal(negotiateLocale(""), "en");
    assert.equal(negotiateLocale("de-DE,de;q=0.9,en;q=0.8"), "de");
    assert.equal(negotiateLocale("fr-FR, fr;q=0.9, de;q=0.5, en;q=0.7"), "en");
    assert.equal(negotiateLocale("en;q=0.2, de-AT;q=0.8"), "de");
    assert.equal(negotiateLocale("fr, es"), "en");
    assert.equal(negotiateLocale("de;q=0, en"), "en");
    assert.equal(negotiateLocale("*"), "en");
  });

  test("a stored choice wins over the browser; an unknown stored value is ignored", () => {
    assert.equal(resolveLocale("de", "en-US"), "de");
    assert.equal(resolveLocale(null, "de"), "de");
    assert.equal(resolveLocale("xx", "de"), "de");
  });
});
