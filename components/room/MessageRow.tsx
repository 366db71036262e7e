import { Avatar } from "@/components/ui/Avatar";
import { formatFull, formatTime, userHue } from "@/lib/format";

export interface MessageRowProps {
  senderId: string;
  senderName: string;
  content: string;
  createdAt: string;
  /** Omits avatar and name when the previous row is the same sender a moment earlier. */
  compact: boolean;
  state: "sent" | "sending" | "failed";
  edited?: boolean;
  deleted?: boolean;
  error?: string;
  seq?: number;
  messageId?: string;
  onRetry?: () => void;
  onDiscard?: () => void;
}

/** One message. Content is rendered as text (React escapes it); never as HTML. */
export function MessageRow(props: MessageRowProps) {
  const { senderId, senderName, content, createdAt, compact, state } = props;
  return (
    <li
      data-testid="message"
      data-state={state}
      data-seq={props.seq}
      data-message-id={props.messageId}
      className={`group flex gap-3 px-4 hover:bg-slate-50 ${compact ? "py-0.5" : "pt-3 pb-0.5"} ${state === "sending" ? "opacity-60" : ""}`}
    >
      <div className="w-9 shrink-0">
        {!compact && <Avatar id={senderId} name={senderName} />}
        {compact && (
          <time dateTime={createdAt} title={formatFull(createdAt)} className="invisible block pt-0.5 text-right text-[10px] leading-5 text-slate-400 group-hover:visible">
            {formatTime(createdAt)}
          </time>
        )}
      </div>
      <div className="min-w-0 flex-1">
        {!compact && (
          <div className="flex items-baseline gap-2">
            <span data-testid="message-sender" className="text-sm font-semibold" style={{ color: `hsl(${userHue(senderId)} 50% 32%)` }}>
              {senderName}
            </span>
            <time dateTime={createdAt} title={formatFull(createdAt)} className="text-[11px] text-slate-400">
              {formatTime(createdAt)}
            </time>
          </div>
        )}
        {props.deleted ? (
          <p data-testid="message-content" className="text-sm italic text-slate-400">
            This message was deleted.
          </p>
        ) : (
          <p data-testid="message-content" className="whitespace-pre-wrap break-words text-sm leading-6 text-slate-800">
            {content}
          </p>
        )}
        {props.edited && !props.deleted && <span className="text-[10px] text-slate-400">(edited)</span>}
        {state === "sending" && (
          <span data-testid="message-pending" className="text-[11px] italic text-slate-500">
            sending…
          </span>
        )}
        {state === "failed" && (
          <div data-testid="message-failed" className="flex flex-wrap items-center gap-2 text-[11px] text-rose-700">
            <span>Not sent: {props.error ?? "the server refused this message"}</span>
            {props.onRetry && (
              <button type="button" onClick={props.onRetry} className="font-semibold underline hover:text-rose-900">
                Retry
              </button>
            )}
            {props.onDiscard && (
              <button type="button" onClick={props.onDiscard} className="font-semibold underline hover:text-rose-900">
                Discard
              </button>
            )}
          </div>
        )}
      </div>
    </li>
  );
}
