/**
 * Mention highlighting, kept apart from how message text is otherwise rendered so it can wrap
 * any renderer's text nodes: `highlightMentions` turns a string into text and `<span>`s
 * (classes `mention` and, for the viewer, `mention-me`), and `mentionRowClass` marks a row that
 * mentions the viewer. Styles live in app/globals.css.
 */
import { isViewerMention, mentionSpans, type MentionViewer } from "@/protocol/mentions";

/** Whether the server resolved this message as mentioning `meId`. */
export const mentionsViewer = (message: { mentions?: readonly string[] }, meId: string | undefined) => !!meId && message.mentions?.includes(meId) === true;

/** The class a message row gets when it mentions the viewer ("" otherwise). */
export const mentionRowClass = (mentionsMe: boolean | undefined) => (mentionsMe ? "mention-row" : "");

/**
 * `content` with each `@token` in a span. A token is the viewer's when it is their username, or
 * `@here`/`@room` in a message the server says mentions them.
 */
export function highlightMentions(content: string, viewer: MentionViewer): React.ReactNode {
  if (!content.includes("@")) return content;
  return mentionSpans(content).map((span, i) => {
    if (span.mention === undefined) return span.text;
    const isMe = isViewerMention(span.mention, viewer);
    return (
      <span key={i} data-testid={isMe ? "mention-me" : "mention"} className={isMe ? "mention mention-me" : "mention"}>
        {span.text}
      </span>
    );
  });
}
