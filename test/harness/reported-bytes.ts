/**
 * Every byte the gateways have reported, summed over all sessions in a local state folder: per session D1's
 * totals plus what its gateway's usage intake holds that D1 has not counted yet (folds come every few minutes).
 */
import { storedUsage } from "@cargo-vpn/stack/intake-files";

export function reportedBytes(persistTo: string): { up: number; down: number } {
  const total = { up: 0, down: 0 };
  for (const s of storedUsage(persistTo).values()) {
    total.up += s.up;
    total.down += s.down;
  }
  return total;
}

export interface ByteCounts {
  up: number;
  down: number;
}

/**
 * Whether every byte a site received was written to it by the gateway, and
 * the gateway reported no byte the site did not send. A load that went
 * direct breaks the first: the site reads a request the gateway never wrote.
 * Exact equality is not the test because a flow cut at teardown (the session
 * ended, a keep-alive socket closed) leaves bytes one side wrote and the other
 * never read: the gateway's written request the site never read, or the
 * site's response the gateway never read.
 */
export function onlyThroughGateway(seen: ByteCounts, reported: ByteCounts): boolean {
  return seen.up <= reported.up && reported.down <= seen.down;
}

/**
 * What a site saw and what the gateway reported since `before`, read again
 * (flushing the gateway each time) until `onlyThroughGateway` holds or
 * `timeoutMs` passes: the gateway charges a flow's last bytes when it sees the
 * close, a moment after the site does.
 */
export async function settledAccounting(
  state: string,
  site: { received: number; sent: number; idle(): Promise<void> },
  flush: () => Promise<unknown>,
  before: { site: ByteCounts; reported: ByteCounts },
  timeoutMs = 10_000,
): Promise<{ seen: ByteCounts; reported: ByteCounts }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await site.idle();
    await flush();
    const total = reportedBytes(state);
    const seen = { up: site.received - before.site.up, down: site.sent - before.site.down };
    const reported = { up: total.up - before.reported.up, down: total.down - before.reported.down };
    if (onlyThroughGateway(seen, reported) || Date.now() > deadline) return { seen, reported };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the gateways reported, per gateway: every session's bytes (D1 plus its intake), summed by the gateway it ran on. */
export function reportedBytesByGateway(persistTo: string): Map<string, ByteCounts> {
  const totals = new Map<string, ByteCounts>();
  for (const s of storedUsage(persistTo).values()) {
    const total = totals.get(s.gatewayId) ?? { up: 0, down: 0 };
    total.up += s.up;
    total.down += s.down;
    totals.set(s.gatewayId, total);
  }
  return totals;
}
