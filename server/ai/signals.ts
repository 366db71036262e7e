/**
 * What instances tell each other about generations, on the bus's AI topic (every instance
 * with the assistant on subscribes). A generation lives on the instance that stored its
 * request; the others reach it only through these.
 */
export type AiSignal =
  /** Stop the generation of this reply (or of the reply to this request message). */
  | { op: "cancel"; message: string; by: string }
  /** A joiner's instance asks the generating one for the reply's text so far. */
  | {
      op: "snapshot_request";
      message: string;
      request: string;
      /** Also asks where delta `index` of the reply at `seq` ends (an SSE resume from `<seq>.<index>`). */
      delta_end_of?: { seq: number; index: number };
    }
  /**
   * The answer: `content` covers every delta below `next_index`; deltas from `next_index` on
   * are published after this answer, so a listener subscribed before asking receives them all.
   */
  | { op: "snapshot"; message: string; request: string; streaming: boolean; content: string; next_index: number; delta_end?: number | null }
  /** The generating instance asks whether anyone still watches (docs/ai.md, idle cancel). */
  | { op: "watch_request"; generation: string; requester: string }
  | { op: "watched"; generation: string };

export const AI_TOPIC = "ai";
