/**
 * The OpenAI-compatible provider of bench/features/assistant.ts, in its own process so its
 * CPU is neither the server's nor the harness's. Streams `tok<i> ` chunks every `chunkMs`;
 * requests tagged `[t:lat…]` stream 8 chunks and report when each was written (wall-clock
 * ms, over IPC) so the parent can measure chunk → client; `[t:load…]` ones stream for
 * `loadMs`. Sends `{port}` to the parent once listening.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const CHUNK_MS = Number(process.argv[2] ?? 50);
const LOAD_MS = Number(process.argv[3] ?? 8_000);
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: "bench", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

const server = createServer(async (req, res) => {
  let raw = "";
  for await (const part of req) raw += String(part);
  const body = JSON.parse(raw) as { messages: Array<{ role: string; content: string }> };
  const last = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const tag = /\[t:([\w-]+)\]/.exec(last)?.[1] ?? "untagged";
  const count = tag.startsWith("load") ? Math.ceil(LOAD_MS / CHUNK_MS) : 8;
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (let i = 0; i < count && !res.destroyed; i++) {
    res.write(chunk({ content: `tok${i} ` }, null));
    if (tag.startsWith("lat")) process.send?.({ tag, index: i, at: wall() });
    await sleep(CHUNK_MS);
  }
  res.end(`${chunk({}, "stop")}data: [DONE]\n\n`);
});
server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on("disconnect", () => process.exit(0));
