/**
 * Emojibase data served from our own origin, so the emoji picker (frimousse, pointed here by
 * `emojibaseUrl="/emojibase"`) and `:shortcode:` conversion work offline and never ask a CDN.
 * Layout as frimousse expects: `/emojibase/en/data.json`, `/emojibase/en/messages.json`, plus
 * `/emojibase/en/shortcodes.json`, the merged shortcode → emoji map the composer converts with.
 * German names and categories at `/emojibase/de/…` for the picker in German; shortcodes stay the
 * English (GitHub-style) ones in every language, as in other chat products.
 */
import { createHash } from "node:crypto";
import data from "emojibase-data/en/data.json";
import messages from "emojibase-data/en/messages.json";
import dataDe from "emojibase-data/de/data.json";
import messagesDe from "emojibase-data/de/messages.json";
import emojibaseShortcodes from "emojibase-data/en/shortcodes/emojibase.json";
import githubShortcodes from "emojibase-data/en/shortcodes/github.json";
import { buildShortcodeMap } from "@/lib/emoji/shortcodes";

type Served = { body: string; etag: string };
const serve = (value: unknown): Served => {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
};

const sources: Record<string, () => Map<string, Served>> = {
  en: () =>
    new Map([
      ["data.json", serve(data)],
      ["messages.json", serve(messages)],
      ["shortcodes.json", serve(buildShortcodeMap(data, githubShortcodes, emojibaseShortcodes))],
    ]),
  de: () =>
    new Map([
      ["data.json", serve(dataDe)],
      ["messages.json", serve(messagesDe)],
    ]),
};

const served = new Map<string, Map<string, Served>>();
function file(locale: string, name: string): Served | undefined {
  const load = Object.hasOwn(sources, locale) ? sources[locale] : undefined;
  if (!load) return undefined;
  let files = served.get(locale);
  if (!files) served.set(locale, (files = load()));
  return files.get(name);
}

type Params = { params: Promise<{ locale: string; file: string }> };

export async function GET(req: Request, { params }: Params): Promise<Response> {
  const { locale, file: name } = await params;
  const found = file(locale, name);
  if (!found) return Response.json({ error: { code: "NOT_FOUND", message: "no such emoji data" } }, { status: 404 });
  const headers = {
    "content-type": "application/json; charset=utf-8",
    // The data changes only with the emojibase-data package; revalidate daily by ETag.
    "cache-control": "public, max-age=86400",
    etag: found.etag,
  };
  if (req.headers.get("if-none-match") === found.etag) return new Response(null, { status: 304, headers });
  return new Response(found.body, { headers });
}

/** frimousse asks for the ETag with HEAD to see whether its cached copy is current. */
export async function HEAD(req: Request, ctx: Params): Promise<Response> {
  const res = await GET(req, ctx);
  return new Response(null, { status: res.status, headers: res.headers });
}
