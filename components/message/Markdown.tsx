"use client";
import { memo, useMemo, type AnchorHTMLAttributes } from "react";
import ReactMarkdown, { type Components, type Options } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { checkMarkdown } from "@/lib/markdown/limits";
import { highlightMentions } from "@/components/room/MentionText";
import { cachedMarkdown } from "./markdown-cache";
import { rehypeMentions } from "./markdown-mentions";
import { MESSAGE_SCHEMA, rehypeImagesAsLinks, rehypeRawAsText } from "./markdown-schema";

/** Every link in a message opens in a new tab, tells the target nothing and passes no rank. */
export const LINK_REL = "noopener noreferrer nofollow";

const REMARK: Options["remarkPlugins"] = [remarkGfm];
const REHYPE: Options["rehypePlugins"] = [rehypeRawAsText, rehypeImagesAsLinks, [rehypeSanitize, MESSAGE_SCHEMA]];
// Sanitize before highlighting: the highlighter's own spans and classes are trusted output.
const REHYPE_CODE: Options["rehypePlugins"] = [...REHYPE, [rehypeHighlight, { detect: false }]];
/**
 * A fenced code block that names its language (possibly inside quotes or lists). Only such
 * messages load the highlighter: setting it up registers its grammars on every render, which
 * measured several times the cost of the rest of the pipeline.
 */
const FENCE_WITH_LANGUAGE = /^[ \t>*+\d.)-]*(`{3,}|~{3,})[ \t]*[\w+#-]/m;

function Link({ href, children, className }: AnchorHTMLAttributes<HTMLAnchorElement> & { node?: unknown }) {
  // The sanitizer removed an unsafe URL: keep the words, not a dead or dangerous link.
  if (!href) return <span className={className}>{children}</span>;
  return (
    <a href={href} className={className} rel={LINK_REL} target="_blank">
      {children}
    </a>
  );
}

const COMPONENTS: Components = { a: Link };

/**
 * A message's content as CommonMark + GFM. Raw HTML in the source is shown as text (never
 * parsed as HTML), URLs outside http/https/mailto are dropped, images become links, and a
 * message too deeply nested to render cheaply (see lib/markdown/limits.ts) is shown as plain text.
 */
export const Markdown = memo(function Markdown({ content, viewerName, mentionsMe }: { content: string; viewerName?: string; mentionsMe?: boolean }) {
  // Mentions are marked last, on sanitized output (markdown-mentions.ts).
  const rehype = useMemo<Options["rehypePlugins"]>(
    () => {
      const base = FENCE_WITH_LANGUAGE.test(content) ? REHYPE_CODE : REHYPE;
      return content.includes("@") ? [...base!, rehypeMentions({ username: viewerName, mentioned: mentionsMe })] : base;
    },
    [content, viewerName, mentionsMe],
  );
  if (checkMarkdown(content).render === "plain") {
    return (
      <p data-markdown="plain" className="whitespace-pre-wrap">
        {highlightMentions(content, { username: viewerName, mentioned: mentionsMe })}
      </p>
    );
  }
  // The pipeline is synchronous and hook-free (react-markdown's `Markdown`): its output is cached
  // per input, so a row that remounts while scrolling does not parse again.
  return cachedMarkdown(`${viewerName ?? ""}\u0000${mentionsMe ? 1 : 0}\u0000${content}`, () =>
    ReactMarkdown({ remarkPlugins: REMARK, rehypePlugins: rehype, components: COMPONENTS, children: content }),
  );
});
