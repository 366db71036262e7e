/** Messages between the main thread's bridge and the PGlite worker. */
export interface WorkerInit {
  dir: string;
}

export type ToWorker =
  | { op: "open"; conn: number }
  | { op: "data"; conn: number; bytes: Uint8Array }
  | { op: "end"; conn: number }
  | { op: "close" };

export type FromWorker =
  | { op: "ready" }
  | { op: "data"; conn: number; bytes: Uint8Array }
  | { op: "end"; conn: number }
  | { op: "fault"; conn: number; message: string }
  | { op: "closed" };
