/**
 * Sends drizzle's statements prepared. drizzle prepares only queries given a name, so every
 * other statement reaches postgres.js unprepared, and postgres.js sends an unprepared statement
 * that has parameters as Parse + Describe, then writes nothing else on that connection until
 * the answer is back (it needs the parameter types to encode the values). On the embedded
 * database's single connection that made every statement of every request wait two round trips
 * of every statement ahead of it: in a reconnect storm each join read waited ~400 ms with both
 * threads half idle (docs/performance.md, sixth and seventh passes). A prepared statement is
 * described once per connection and pipelined from then on.
 *
 * postgres.js keeps every statement it prepared for the life of the connection, one per text,
 * and so does the server. The texts of this codebase are a fixed set except where the number
 * of parameters follows the data (`inArray` over a list, a multi-row insert), so statements
 * with many parameters are left unprepared, and past a bound on distinct texts nothing new is
 * prepared: the caches stay bounded whatever the traffic.
 */
import type postgres from "postgres";

export interface PreparePolicy {
  /** Statements with more parameters than this are sent unprepared. */
  maxParams: number;
  /** Distinct statement texts prepared at most (per client; each connection holds its own copy). */
  maxStatements: number;
}

export const DEFAULT_PREPARE_POLICY: PreparePolicy = { maxParams: 32, maxStatements: 1_000 };

type Unsafe = postgres.Sql["unsafe"];

/**
 * Whether a statement goes out prepared. A statement without parameters never waits for a
 * Describe, so preparing it would only fill the cache.
 */
export function prepareDecider(policy: PreparePolicy): (text: string, paramCount: number) => boolean {
  const prepared = new Set<string>();
  return (text, paramCount) => {
    if (paramCount === 0 || paramCount > policy.maxParams) return false;
    if (prepared.has(text)) return true;
    if (prepared.size >= policy.maxStatements) return false;
    prepared.add(text);
    return true;
  };
}

/**
 * `client` with every statement sent through `unsafe` (drizzle's only way in) prepared when the
 * policy allows, on the client itself and on the connections it hands out (`begin`, `savepoint`,
 * `reserve`). An explicit `prepare: true` is kept. With `null`, nothing goes out prepared, not
 * even where asked: for poolers that cannot keep a prepared statement with its connection
 * (PgBouncer before 1.21 in transaction mode; DATABASE_PREPARE=off).
 */
export function preparingClient<C extends postgres.Sql>(client: C, policy: PreparePolicy | null = DEFAULT_PREPARE_POLICY): C {
  const decide = policy ? prepareDecider(policy) : null;
  const shouldPrepare = (text: string, paramCount: number, asked: boolean) => (decide ? asked || decide(text, paramCount) : false);
  const wrap = <S extends object>(sql: S): S =>
    new Proxy(sql, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        switch (prop) {
          case "unsafe": {
            const unsafe = value as Unsafe;
            return ((text, params, options) =>
              unsafe(text, params, { ...options, prepare: shouldPrepare(text, params?.length ?? 0, options?.prepare === true) })) as Unsafe;
          }
          case "begin":
          case "savepoint":
            // The callback comes last (`begin(options?, cb)`); it receives the transaction's connection.
            return (...args: unknown[]) => {
              const cb = args.at(-1) as (sql: object) => unknown;
              return (value as (...a: unknown[]) => unknown)(...args.slice(0, -1), (inner: object) => cb(wrap(inner)));
            };
          case "reserve":
            return async () => wrap(await (value as () => Promise<object>)());
          default:
            return value;
        }
      },
    });
  return wrap(client);
}
