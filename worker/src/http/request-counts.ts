/**
 * The API bench's per-request cost counters (`npm run bench -- api`): D1 round
 * trips, Durable Object calls and `crypto.subtle.importKey` calls made while
 * one request is answered, returned in the `x-dev-request-counts` header.
 *
 * Off unless the worker runs with `DEV_REQUEST_COUNTS=1` (a local setting,
 * never set in production) *and* the request asks with
 * `x-dev-request-counts: 1`; every other request goes straight to the app, so
 * the seam costs one string comparison. Counts are per isolate, not per
 * request: they are right when the asking requests come one at a time (as the
 * bench sends them). On local workerd the Durable Objects share the worker's
 * isolate, so key imports made inside an object during the request count too.
 * Counts only: nothing about any account.
 */
import type { Env } from "../env";

export const REQUEST_COUNTS_HEADER = "x-dev-request-counts";

interface Counts {
  d1: number;
  objects: number;
  imports: number;
}

const counts: Counts = { d1: 0, objects: 0, imports: 0 };
let importsPatched = false;

export function requestCountsAsked(env: Env, request: Request): boolean {
  return env.DEV_REQUEST_COUNTS === "1" && request.headers.get(REQUEST_COUNTS_HEADER) === "1";
}

/** Answers `request` with `handle` over counting bindings, and the counts in the answer's header. */
export async function withRequestCounts(env: Env, handle: (env: Env) => Response | Promise<Response>): Promise<Response> {
  countImports();
  const before = { ...counts };
  const response = await handle(countingEnv(env));
  const headers = new Headers(response.headers);
  headers.set(
    REQUEST_COUNTS_HEADER,
    `d1=${counts.d1 - before.d1}, objects=${counts.objects - before.objects}, imports=${counts.imports - before.imports}`,
  );
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Wraps importKey once per isolate (only ever when counting was asked for). */
function countImports(): void {
  if (importsPatched) return;
  importsPatched = true;
  const subtle = crypto.subtle;
  const original = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>;
  Object.defineProperty(subtle, "importKey", {
    configurable: true,
    value: (...args: unknown[]) => {
      counts.imports++;
      return original(...args);
    },
  });
}

function countingEnv(env: Env): Env {
  const wrapped: Record<string, unknown> = { ...env };
  for (const [name, binding] of Object.entries(env)) {
    if (isD1(binding)) wrapped[name] = countingD1(binding);
    else if (isNamespace(binding)) wrapped[name] = countingNamespace(binding);
  }
  return wrapped as unknown as Env;
}

const isD1 = (value: unknown): value is D1Database =>
  typeof value === "object" && value !== null && "prepare" in value && "batch" in value && "exec" in value;

const isNamespace = (value: unknown): value is DurableObjectNamespace =>
  typeof value === "object" && value !== null && "idFromName" in value && "get" in value;

/** D1 as the app sees it: one count per statement run (first/all/run/raw), batch or exec. */
function countingD1(db: D1Database): D1Database {
  // batch() wants the binding's own statements, so each wrapper remembers the one it stands for.
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            counts.d1++;
            return Reflect.apply(value, target, args);
          };
        }
        return value.bind(target);
      },
    });
    real.set(proxy, statement);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counts.d1++;
          return target.batch(statements.map((s) => real.get(s) ?? s));
        };
      }
      if (prop === "exec") {
        return (sql: string) => {
          counts.d1++;
          return target.exec(sql);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A namespace whose stubs count each method called on them. */
function countingNamespace(namespace: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => countingStub(Reflect.apply(value as (...a: unknown[]) => object, target, args));
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function countingStub(stub: object): object {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof prop !== "string" || prop === "then" || typeof value !== "function") return value;
      if (prop === "id" || prop === "name") return value;
      // Reflect.apply, not value.apply: on an RPC stub's method, `apply` would be another remote name.
      return (...args: unknown[]) => {
        counts.objects++;
        return Reflect.apply(value, target, args);
      };
    },
  });
}
