// Worker threads do not inherit the parent's tsx loader, so the thread registers it before
// loading its TypeScript (dist/ has the compiled thread under this name instead).
import { register } from "tsx/esm/api";

register();
await import("./provider-worker.ts");
