/**
 * Setup file (vitest.config.ts) that holds the worker to its own OpenAPI
 * document: it wraps the worker's fetch handler, the one every worker test
 * reaches it through (call() in client.ts, `exports.default.fetch`, or the
 * handler imported from src/index.ts), records every answer, and after each
 * test file checks them all with test/openapi-conformance.ts. A status, body
 * or header the document does not declare fails that file.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, expect } from "vitest";
import worker from "../src/index";
import { Conformance, type Exchange, NOT_API } from "./openapi-conformance";

type Fetch = NonNullable<typeof worker.fetch>;
interface Recorded {
  test: string;
  exchange: Exchange;
}

const WRAPPED = Symbol.for("cargo-vpn.openapi-conformance");
const handler = worker as { fetch: Fetch; [WRAPPED]?: Recorded[] };
const recorded: Recorded[] = handler[WRAPPED] ?? [];

if (!handler[WRAPPED]) {
  handler[WRAPPED] = recorded;
  const original = handler.fetch;
  handler.fetch = (async (request, environment, ctx) => {
    const response = await original(request, environment, ctx);
    const url = new URL(request.url);
    if (NOT_API.test(url.pathname)) return response;
    // Read the body here and answer a copy: a clone's body may never settle when the test leaves the original unread.
    const bytes = await response.arrayBuffer();
    recorded.push({
      test: expect.getState().currentTestName ?? "(outside a test)",
      exchange: {
        method: request.method,
        path: url.pathname,
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: new TextDecoder().decode(bytes),
      },
    });
    return new Response(bytes.byteLength > 0 ? bytes : null, response);
  }) as Fetch;
}

afterAll(async () => {
  if (recorded.length === 0) return;
  const exchanges = recorded.splice(0);
  const ctx = createExecutionContext();
  const res = await handler.fetch(new Request("http://api.cargo.test/openapi.json"), env, ctx);
  await waitOnExecutionContext(ctx);
  recorded.length = 0; // the document fetch itself is checked by openapi.test.ts
  const conformance = new Conformance(await res.json());
  const mismatches = exchanges.flatMap(({ test, exchange }) => conformance.check(exchange).map((m) => `${m}  [${test}]`));
  if (mismatches.length > 0) {
    throw new Error(`${mismatches.length} answer(s) do not match /openapi.json:\n${[...new Set(mismatches)].join("\n")}`);
  }
});
