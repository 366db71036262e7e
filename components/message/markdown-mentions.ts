/**
 * A rehype plugin that marks `@mentions` inside rendered markdown the way
 * components/room/MentionText.tsx does for plain text: spans with class `mention`, and
 * `mention-me` for the viewer's own name (or @here/@room in a message that mentions them).
 * Runs after sanitizing: it only splits text nodes into text and spans it builds itself.
 * Code and links are left alone (an `@` there is not a mention).
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { isViewerMention, mentionSpans, type MentionViewer } from "@/protocol/mentions";

const SKIP = new Set(["code", "pre", "a"]);

export function rehypeMentions(viewer: MentionViewer) {
  const split = (parent: Root | Element): void => {
    parent.children = parent.children.flatMap((child: RootContent): RootContent[] => {
      if (child.type === "element") {
        if (!SKIP.has(child.tagName)) split(child);
        return [child];
      }
      if (child.type !== "text" || !child.value.includes("@")) return [child];
      return mentionSpans(child.value).map((span): ElementContent => {
        if (span.mention === undefined) return { type: "text", value: span.text };
        const me = isViewerMention(span.mention, viewer);
        return {
          type: "element",
          tagName: "span",
          properties: { className: me ? ["mention", "mention-me"] : ["mention"], dataTestid: me ? "mention-me" : "mention" },
          children: [{ type: "text", value: span.text }],
        };
      });
    }) as typeof parent.children;
  };
  return () => (tree: Root) => {
    split(tree);
  };
}
