import { Parser } from "htmlparser2";

export interface ParsedPreview {
  title: string;
  description?: string;
  site_name?: string;
}

const LIMITS = { title: 300, description: 1000, site_name: 100 } as const;

/** Whitespace collapsed, control characters (and U+0000, which Postgres cannot store) dropped, capped. */
function clean(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(/[\u0000-\u001f\u007f\p{Cs}]/gu, " ").replace(/\s+/g, " ").trim();
  if (!text) return undefined;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Reads Open Graph tags (og:title, og:description, og:site_name), then `<title>` and
 * `<meta name="description">` as fallbacks. Only text is kept; og:image is ignored on purpose
 * (clients never load third-party images). Null when the page has no title at all.
 */
export function parsePreview(html: string): ParsedPreview | null {
  const og: Record<string, string> = {};
  let metaDescription: string | undefined;
  let title = "";
  let inTitle = false;
  let titleDone = false;
  let inSvg = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === "svg") inSvg++;
        if (name === "title" && !titleDone && inSvg === 0) inTitle = true;
        if (name !== "meta") return;
        const key = (attribs.property ?? attribs.name ?? "").toLowerCase();
        const content = attribs.content;
        if (content === undefined) return;
        if (key.startsWith("og:") && !(key in og)) og[key] = content;
        else if (key === "description" && metaDescription === undefined) metaDescription = content;
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === "svg") inSvg = Math.max(0, inSvg - 1);
        if (name === "title" && inTitle) {
          inTitle = false;
          titleDone = true;
        }
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const finalTitle = clean(og["og:title"], LIMITS.title) ?? clean(title, LIMITS.title);
  if (!finalTitle) return null;
  const description = clean(og["og:description"] ?? metaDescription, LIMITS.description);
  const siteName = clean(og["og:site_name"], LIMITS.site_name);
  return { title: finalTitle, ...(description ? { description } : {}), ...(siteName ? { site_name: siteName } : {}) };
}
