/**
 * The readable half of a room export: a self-contained HTML page (inline CSS, no scripts, no
 * external requests) written piece by piece as the export pages through history. Every value
 * from users goes through `escapeHtml`; links are emitted only for http(s) URLs.
 */
import type { Message } from "@/protocol";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#0f172a;background:#f8fafc;margin:0}
main{max-width:760px;margin:0 auto;padding:24px}
header{border-bottom:1px solid #cbd5e1;margin-bottom:16px}
h1{font-size:20px;margin:0 0 4px}
.meta{color:#64748b;font-size:13px}
article{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:8px 12px;margin:8px 0}
.who{font-weight:600}
.when{color:#64748b;font-size:12px;margin-left:8px}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:2px}
.deleted{color:#94a3b8;font-style:italic}
.tag{color:#64748b;font-size:12px}
ul.att{margin:4px 0 0;padding-left:18px;font-size:13px}
`;

/** The page up to the first message. */
export function transcriptHead(room: { name: string; topic: string }, exportedAt: Date): string {
  const title = `${room.name} — Confab export`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><main>
<header><h1>${escapeHtml(room.name)}</h1>
${room.topic ? `<p class="meta">${escapeHtml(room.topic)}</p>\n` : ""}<p class="meta">Exported ${escapeHtml(exportedAt.toISOString())}</p></header>
`;
}

/** The URLs a message carries as attachments (file/image kinds, and `meta.attachments`). */
function attachmentUrls(message: Message): string[] {
  const urls: string[] = [];
  if ((message.kind === "image" || message.kind === "file") && /^https?:\/\//i.test(message.content)) urls.push(message.content);
  const listed = message.meta?.attachments;
  if (Array.isArray(listed)) {
    for (const a of listed) {
      const url = typeof a === "string" ? a : typeof a === "object" && a !== null ? (a as Record<string, unknown>).url : undefined;
      if (typeof url === "string") urls.push(url);
    }
  }
  return urls;
}

function link(url: string): string {
  const text = escapeHtml(url);
  return /^https?:\/\//i.test(url) ? `<a href="${text}" rel="noreferrer">${text}</a>` : text;
}

export function transcriptMessage(message: Message): string {
  const who = escapeHtml(message.sender_name ?? message.sender);
  const when = escapeHtml(message.created_at);
  const tags = [`#${message.seq}`, message.edited_at ? "edited" : null, message.reply_to ? `reply to ${message.reply_to}` : null].filter(Boolean);
  const body = message.deleted ? `<div class="body deleted">(deleted)</div>` : `<div class="body">${escapeHtml(message.content)}</div>`;
  const attachments = message.deleted ? [] : attachmentUrls(message);
  const list = attachments.length ? `<ul class="att">${attachments.map((u) => `<li>${link(u)}</li>`).join("")}</ul>` : "";
  return `<article id="m${message.seq}"><div><span class="who">${who}</span><span class="when">${when}</span> <span class="tag">${escapeHtml(tags.join(" · "))}</span></div>${body}${list}</article>\n`;
}

export function transcriptTail(count: number): string {
  return `<footer class="meta"><p>${count} message${count === 1 ? "" : "s"}.</p></footer>\n</main></body></html>\n`;
}
