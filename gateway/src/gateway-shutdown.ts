/**
 * The two waits of a gateway's shutdown (gateway.ts): open flows get a grace
 * period to finish, and the last usage batch is retried, backing off, until
 * the API takes it or the flush budget is spent.
 *
 *   await flowsFinished(registry, config.shutdownGraceMs);
 *   const flushed = await flushWithin(() => reporter.flush(), config.shutdownFlushTimeoutMs);
 */
import type { SessionRegistry } from "./auth/session-registry";

/** Resolves when no flow is open or `graceMs` has passed, whichever comes first. */
export async function flowsFinished(registry: SessionRegistry, graceMs: number): Promise<void> {
  const graceEnds = Date.now() + graceMs;
  while (registry.openFlows > 0 && Date.now() < graceEnds) await sleep(25);
}

/** Flushes at once, then again (200 ms, doubling to 2 s) until it succeeds or `timeoutMs` has passed; true when it succeeded. */
export async function flushWithin(flush: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const flushEnds = Date.now() + timeoutMs;
  let flushed = await flush();
  for (let wait = 200; !flushed && Date.now() < flushEnds; wait = Math.min(wait * 2, 2000)) {
    await sleep(Math.min(wait, Math.max(0, flushEnds - Date.now())));
    flushed = await flush();
  }
  return flushed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
