/**
 * What message markdown may become: an allow-list applied by rehype-sanitize after the markdown
 * is turned into HTML elements and before anything reaches React. Anything not listed here is
 * unwrapped to its text (unknown elements) or dropped (attributes, unsafe URLs).
 */
import type { Options as Schema } from "rehype-sanitize";
import type { Element, ElementContent, Root, RootContent } from "hast";

/** The only URL schemes a message link may use; `javascript:`, `data:`, `vbscript:`… are removed. */
export const LINK_PROTOCOLS = ["http", "https", "mailto"] as const;

/** Class on a link that stands in for a markdown image (images are never fetched). */
export const IMAGE_LINK_CLASS = "md-image";

export const MESSAGE_SCHEMA: Schema = {
  tagNames: [
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "input",
  ],
  attributes: {
    a: ["href", ["className", IMAGE_LINK_CLASS]],
    // The fence's language, for highlighting (rehype-highlight runs after this schema).
    code: [["className", /^language-[\w+#-]+$/]],
    ol: ["start", ["className", "contains-task-list"]],
    ul: [["className", "contains-task-list"]],
    li: [["className", "task-list-item"]],
    th: [["align", "left", "center", "right"]],
    td: [["align", "left", "center", "right"]],
    // GFM task list boxes: always read-only.
    input: [["type", "checkbox"], ["disabled", true], "checked"],
  },
  required: { input: { type: "checkbox", disabled: true } },
  protocols: { href: [...LINK_PROTOCOLS] },
  ancestors: { tbody: ["table"], thead: ["table"], tr: ["table"], th: ["table"], td: ["table"], li: ["ul", "ol"] },
  // Dropped with their content rather than unwrapped (raw HTML is text anyway; belt and braces).
  strip: ["script", "style"],
  clobber: [],
};

/**
 * A rehype plugin that turns raw HTML from the source into text, so `<b>` reads as `<b>`
 * instead of vanishing: it is never parsed as HTML, and the sanitizer would drop raw nodes.
 */
export function rehypeRawAsText() {
  return (tree: Root) => {
    rawToText(tree);
  };
}

function rawToText(parent: Root | Element): void {
  parent.children = parent.children.map((child: RootContent): RootContent => {
    if (child.type === "raw") return { type: "text", value: child.value };
    if (child.type === "element") rawToText(child);
    return child;
  }) as typeof parent.children;
}

/**
 * A rehype plugin that turns every markdown image into a link to it with its alt text, so a
 * message never makes the reader's browser fetch a third-party URL (tracking pixels). An image
 * already inside a link becomes its alt text. Runs before sanitizing, which vets the href.
 */
export function rehypeImagesAsLinks() {
  return (tree: Root) => {
    replaceImages(tree, false);
  };
}

function replaceImages(parent: Root | Element, inLink: boolean): void {
  parent.children = parent.children.map((child: RootContent): RootContent => {
    if (child.type !== "element") return child;
    if (child.tagName === "img") {
      const src = typeof child.properties.src === "string" ? child.properties.src : "";
      const alt = typeof child.properties.alt === "string" && child.properties.alt.trim() ? child.properties.alt : src || "image";
      const text: ElementContent = { type: "text", value: alt };
      if (inLink || !src) return text;
      return { type: "element", tagName: "a", properties: { href: src, className: [IMAGE_LINK_CLASS] }, children: [text] };
    }
    replaceImages(child, inLink || child.tagName === "a");
    return child;
  }) as typeof parent.children;
}
