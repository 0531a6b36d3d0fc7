/** Every byte the gateways have reported, summed over all sessions in a local state folder. */
import { executeSql } from "@cargo-vpn/stack/wrangler";

export function reportedBytes(persistTo: string): { up: number; down: number } {
  const [row] = executeSql<{ up: number; down: number }>(
    "SELECT COALESCE(SUM(bytes_up), 0) AS up, COALESCE(SUM(bytes_down), 0) AS down FROM tunnel_sessions",
    { persistTo },
  );
  return row ?? { up: 0, down: 0 };
}

export interface ByteCounts {
  up: number;
  down: number;
}

/**
 * What a site saw and what the gateway reported since `before`, read again
 * (flushing the gateway each time) until the two agree or `timeoutMs` passes:
 * the gateway charges a flow's last bytes when it sees the close, a moment
 * after the site does. A direct load never settles: the site keeps bytes the
 * gateway never carried, and the caller's equality check fails.
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
    if ((seen.up === reported.up && seen.down === reported.down) || Date.now() > deadline) return { seen, reported };
    await new Promise((r) => setTimeout(r, 500));
  }
}
