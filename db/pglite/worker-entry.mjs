// Worker threads do not inherit the parent's tsx loader, so the worker registers it before
// loading its TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
