/**
 * Two web sites on loopback, under distinct names (`site-a.test`, `site-b.test`,
 * which the local gateways resolve to 127.0.0.1: scripts/stack/test-names.mjs),
 * each noting which process opened every connection it accepted
 * (testkit socket-owner.ts), and what the gateways reported for them, per
 * gateway. The per-site e2e tests in Chromium and Firefox prove with it that
 * site A left through one gateway, site B through the other, and nothing
 * went direct.
 *
 *   const sites = await startTwoSites(() => [process.pid, stack.secondGateway!.pid]);
 *   const result = await sites.measure(state, flush, async () => { ... load the two pages ... });
 */
import type { Socket } from "node:net";
import { type Origin, startPageOrigin } from "@cargo-vpn/testkit/origin";
import { type SocketOwner, socketOwner } from "@cargo-vpn/testkit/socket-owner";
import { type ByteCounts, onlyThroughGateway, reportedBytesByGateway } from "./reported-bytes.ts";

export interface Site {
  origin: Origin;
  url: string;
  /** The owner of each connection accepted: a pid among the watched ones, null (another process) or "closed" (socket-owner.ts). */
  owners: SocketOwner[];
}

export interface TwoSites {
  a: Site;
  b: Site;
  close(): Promise<void>;
}

export async function startTwoSites(watched: () => number[]): Promise<TwoSites> {
  const site = async (name: string): Promise<Site> => {
    const owners: SocketOwner[] = [];
    const origin = await startPageOrigin({ onConnection: (socket: Socket) => owners.push(socketOwner(socket, watched())) });
    return { origin, url: `http://${name}:${origin.port}`, owners };
  };
  const a = await site("site-a.test");
  const b = await site("site-b.test");
  return { a, b, close: async () => void (await Promise.all([a.origin.close(), b.origin.close()])) };
}

const counts = (origin: Origin): ByteCounts => ({ up: origin.received, down: origin.sent });
const minus = (x: ByteCounts, y: ByteCounts | undefined): ByteCounts => ({ up: x.up - (y?.up ?? 0), down: x.down - (y?.down ?? 0) });

export interface Measured {
  /** What each site saw on its sockets during the action. */
  seen: { a: ByteCounts; b: ByteCounts };
  /** What each gateway reported to the API during the action. */
  reported: { first: ByteCounts; second: ByteCounts };
}

/**
 * Runs `action` and reads, until the accounting settles (each gateway charges a flow's last bytes when
 * it sees the close, and the second flushes on its own timer), what each site saw and each gateway reported.
 */
export async function measure(
  state: string,
  sites: TwoSites,
  gateways: { first: string; second: string },
  flush: () => Promise<unknown>,
  action: () => Promise<unknown>,
  timeoutMs = 15_000,
): Promise<Measured> {
  await Promise.all([sites.a.origin.idle(), sites.b.origin.idle()]);
  await flush();
  const before = { a: counts(sites.a.origin), b: counts(sites.b.origin), gateways: reportedBytesByGateway(state) };
  await action();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await Promise.all([sites.a.origin.idle(), sites.b.origin.idle()]);
    await flush();
    const now = reportedBytesByGateway(state);
    const result: Measured = {
      seen: { a: minus(counts(sites.a.origin), before.a), b: minus(counts(sites.b.origin), before.b) },
      reported: {
        first: minus(now.get(gateways.first) ?? { up: 0, down: 0 }, before.gateways.get(gateways.first)),
        second: minus(now.get(gateways.second) ?? { up: 0, down: 0 }, before.gateways.get(gateways.second)),
      },
    };
    const settled = onlyThroughGateway(result.seen.a, result.reported.first) && onlyThroughGateway(result.seen.b, result.reported.second);
    if (settled || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
