/**
 * Bounds on what the markdown renderer is asked to build. The parser is linear enough, but
 * what it produces is not: thousands of nested quotes or list items become thousands of nested
 * elements (deep recursion in the hast/React passes, a frozen tab), and a GFM table pads every
 * row to the header's width, so a wide header over many short lines multiplies into millions of
 * cells. A cheap line scan, before parsing, finds such messages; they are shown as plain text.
 */

export const MARKDOWN_LIMITS = {
  /** Container nesting (block quotes, list items, indentation) on any line outside code. */
  depth: 16,
  /** Table cells the renderer would build: header columns × rows below the header. */
  tableCells: 4000,
  /** A run of backticks longer than this is not a code span or fence anyone writes by hand. */
  backtickRun: 64,
  /**
   * Inline markup outside code: emphasis, strike and code-span delimiter runs, brackets, `<`,
   * and bare-URL starts. The parser's cost grows with these (measured: about linear, a fraction
   * of a millisecond each), plain words cost next to nothing.
   */
  inlineMarks: 128,
} as const;

export type MarkdownVerdict = { render: "markdown" } | { render: "plain"; reason: "depth" | "table" | "backticks" | "inline" };

const FENCE = /^(`{3,}|~{3,})/;
const ORDERED_MARKER = /^\d{1,9}[.)]/;
/** A GFM table delimiter row: `| --- | :-: |` (pipes optional at the ends). */
const DELIMITER_ROW = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/**
 * How deep one line nests: leading indentation (two columns a level, tabs count four) plus
 * every `>` and list marker that opens it. Also returns where the line's own text starts.
 */
export function lineDepth(line: string): { depth: number; rest: string } {
  let i = 0;
  let columns = 0;
  while (i < line.length && (line[i] === " " || line[i] === "\t")) {
    columns += line[i] === "\t" ? 4 : 1;
    i++;
  }
  let depth = Math.floor(columns / 2);
  for (;;) {
    const c = line[i];
    if (c === ">") {
      depth++;
      i++;
    } else if ((c === "-" || c === "*" || c === "+") && (i + 1 === line.length || line[i + 1] === " " || line[i + 1] === "\t")) {
      depth++;
      i++;
    } else if (c !== undefined && c >= "0" && c <= "9") {
      const marker = ORDERED_MARKER.exec(line.slice(i, i + 11));
      const after = marker ? line[i + marker[0].length] : undefined;
      if (!marker || (after !== undefined && after !== " " && after !== "\t")) break;
      depth++;
      i += marker[0].length;
    } else {
      break;
    }
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
  }
  return { depth, rest: line.slice(i) };
}

/** The longest run of one character in a string. */
function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text[i] === char ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** Inline markup tokens on one line (see MARKDOWN_LIMITS.inlineMarks). */
export function inlineMarks(line: string): number {
  let marks = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "*" || c === "_" || c === "~" || c === "`") {
      let end = i + 1;
      while (line[end] === c) end++;
      // Each pair of `*` or `_` can open one more level of nested emphasis; `~` and `` ` `` cannot.
      marks += c === "*" || c === "_" ? Math.ceil((end - i) / 2) : 1;
      i = end - 1;
    } else if (c === "[" || c === "]" || c === "<") {
      marks++;
    } else if ((c === "w" && line.startsWith("www.", i)) || (c === ":" && line.startsWith("://", i))) {
      marks++;
    }
  }
  return marks;
}

/** Counts the cells of a table row the way GFM splits it (escaped pipes do not split). */
function columnsOf(row: string): number {
  const trimmed = row.trim().replace(/\\\|/g, "");
  const inner = trimmed.replace(/^\|/, "").replace(/\|$/, "");
  return inner.split("|").length;
}

/**
 * Decides whether a message may go through the markdown renderer. Linear in the length of the
 * text; lines inside fenced code are not nesting (the renderer shows them as text).
 */
export function checkMarkdown(source: string, limits = MARKDOWN_LIMITS): MarkdownVerdict {
  if (longestRun(source, "`") > limits.backtickRun) return { render: "plain", reason: "backticks" };
  const lines = source.split("\n");
  let fence: { char: string; length: number } | null = null;
  let marks = 0;
  for (let n = 0; n < lines.length; n++) {
    const { depth, rest } = lineDepth(lines[n]!);
    const opener = FENCE.exec(rest);
    if (fence) {
      if (opener && opener[1]![0] === fence.char && opener[1]!.length >= fence.length && rest.slice(opener[1]!.length).trim() === "") fence = null;
      continue;
    }
    if (depth > limits.depth) return { render: "plain", reason: "depth" };
    marks += inlineMarks(rest);
    if (marks > limits.inlineMarks) return { render: "plain", reason: "inline" };
    if (opener) {
      fence = { char: opener[1]![0]!, length: opener[1]!.length };
      continue;
    }
    if (n > 0 && rest.includes("-") && DELIMITER_ROW.test(rest) && lines[n - 1]!.includes("|")) {
      const columns = columnsOf(lines[n - 1]!);
      // Every later line may become a row of the table, padded to the header's width.
      if (columns * (lines.length - n - 1) > limits.tableCells) return { render: "plain", reason: "table" };
    }
  }
  return { render: "markdown" };
}
