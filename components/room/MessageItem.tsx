"use client";
import { memo, useMemo } from "react";
import { removeLinkPreview } from "@/components/message/LinkPreview";
import { systemMetaOf, type Message } from "@/protocol";
import { AssistantReplyStatus, isAssistantReply, type AssistantInfo } from "./Assistant";
import { messageHref } from "@/lib/highlight";
import { mentionsViewer } from "./MentionText";
import { MessageRow, type ListItemAttrs, type MessageActions, type ReplyQuote } from "./MessageRow";

/**
 * What a row may ask of the list, as one object that keeps its identity for the list's whole
 * life (it reads the latest callbacks through a ref), so memoized rows do not re-render when the
 * room view re-renders with new closures.
 */
export interface RowHandlers {
  edit(message: string, content: string): boolean;
  remove(message: string): boolean;
  react(message: string, emoji: string, op: "add" | "remove"): boolean;
  reply(message: Message): void;
  togglePin(message: string, pinned: boolean): void;
  cancel(message: string): boolean;
  jump(message: string): void;
  /** What to call a reactor in the reaction tooltip. */
  nameOf(userId: string): string;
}

export interface MessageItemProps {
  message: Message;
  compact: boolean;
  senderName: string;
  senderHandle?: string;
  quote?: ReplyQuote;
  highlighted: boolean;
  pinned: boolean;
  /** The viewer (strings, not an object, so a re-created profile does not re-render every row). */
  meId?: string;
  viewerName?: string;
  /** The viewer is a member: edit/delete own messages, react, reply. */
  canAct: boolean;
  canPin: boolean;
  canCancel: boolean;
  canDeleteAny: boolean;
  assistant?: AssistantInfo;
  handlers: RowHandlers;
  listItem: ListItemAttrs;
}

/** A stored message in the list: builds MessageRow's props once per change of the message. */
function MessageItemImpl({ message: m, meId, viewerName, canAct, canPin, canCancel, canDeleteAny, handlers, pinned, ...props }: MessageItemProps) {
  const actions = useMemo<MessageActions | undefined>(
    () =>
      canAct && meId
        ? {
            meId,
            canEdit: m.sender === meId,
            canDelete: m.sender === meId || canDeleteAny,
            onEdit: (content) => handlers.edit(m.id, content),
            onDelete: () => handlers.remove(m.id),
            onReact: (emoji, op) => handlers.react(m.id, emoji, op),
            onReply: () => handlers.reply(m),
            link: messageHref(m.room, m),
            nameOf: handlers.nameOf,
            ...(canPin && !m.to && !m.deleted ? { onTogglePin: () => handlers.togglePin(m.id, pinned) } : {}),
          }
        : undefined,
    [m, meId, canAct, canPin, canDeleteAny, pinned, handlers],
  );
  const assistantReply = isAssistantReply(m, props.assistant) && !m.deleted && !m.blocked;
  const footer = useMemo(
    () =>
      assistantReply ? (
        <AssistantReplyStatus
          message={m}
          canStop={!!meId && (m.meta?.requester === meId || canDeleteAny)}
          onStop={canCancel ? () => handlers.cancel(m.id) : undefined}
        />
      ) : undefined,
    [assistantReply, m, meId, canDeleteAny, canCancel, handlers],
  );
  const system = useMemo(() => systemMetaOf(m) ?? undefined, [m]);
  const onRemovePreview = useMemo(() => (meId === m.sender ? () => removeLinkPreview(m.room, m.id) : undefined), [meId, m.sender, m.room, m.id]);

  return (
    <MessageRow
      kind={m.kind}
      event={system?.event}
      system={system}
      messageId={m.id}
      seq={m.seq}
      senderId={m.sender}
      senderName={props.senderName}
      senderHandle={props.senderHandle}
      content={m.content}
      createdAt={m.created_at}
      compact={props.compact}
      state="sent"
      reply={props.quote}
      highlighted={props.highlighted}
      pinned={pinned}
      onJump={handlers.jump}
      edited={!!m.edited_at}
      deleted={m.deleted}
      blocked={m.blocked}
      reactions={m.reactions}
      actions={actions}
      preview={m.preview}
      attachments={m.attachments}
      onRemovePreview={onRemovePreview}
      mentionsMe={mentionsViewer(m, meId)}
      viewerName={viewerName}
      streaming={m.streaming === true && !m.blocked}
      footer={footer}
      listItem={props.listItem}
    />
  );
}

const sameQuote = (a: ReplyQuote | undefined, b: ReplyQuote | undefined) =>
  a === b ||
  (!!a &&
    !!b &&
    a.id === b.id &&
    ("missing" in a ? "missing" in b : !("missing" in b) && a.senderName === b.senderName && a.snippet === b.snippet));

const sameListItem = (a: ListItemAttrs, b: ListItemAttrs) => a.ref === b.ref && a.index === b.index && a.posInSet === b.posInSet && a.setSize === b.setSize;

/** Rows re-render only when what they show changed: the quote and list position are compared by value. */
export const MessageItem = memo(MessageItemImpl, (prev, next) => {
  for (const key of Object.keys(next) as (keyof MessageItemProps)[]) {
    if (key === "quote") {
      if (!sameQuote(prev.quote, next.quote)) return false;
    } else if (key === "listItem") {
      if (!sameListItem(prev.listItem, next.listItem)) return false;
    } else if (prev[key] !== next[key]) return false;
  }
  return Object.keys(prev).length === Object.keys(next).length;
});
