/**
 * TLS handshakes per second against a proxy's TLS port: full handshakes (no
 * session to offer) and resumed ones (offering a ticket from an earlier
 * connection, as a browser that reconnects does), a few in flight at a time,
 * for a fixed time each. Also the share that really resumed, and the
 * server's CPU per handshake when a CPU reader is given.
 *
 *   const rates = await handshakeRounds({ gateway: { port, cpu }, squid: { port, cpu } });   // alternating rounds, medians
 *   rates.gateway.full.perSecond, rates.gateway.full.serverCpuMs, rates.gateway.resumed.reusedShare
 *
 * Each server is warmed up for two seconds of handshakes first: a Node server's
 * TLS path is JIT-compiled on first use, and 50 handshakes (the old warm-up)
 * left the first measured second partly cold, which a C server like squid
 * never is. The rounds alternate between the servers so a burst of other
 * load on the machine hits them alike, and the median of the rounds is kept.
 */
import tls from "node:tls";

const IN_FLIGHT = 4;
const DURATION_MS = 3000;
const WARM_UP_MS = 2000;
const ROUNDS = 3;

export interface HandshakeRate {
  perSecond: number;
  /** fraction of handshakes that resumed a session */
  reusedShare: number;
  /** server CPU milliseconds per handshake, when measured */
  serverCpuMs?: number;
}

/** One handshake, offering `session` when given; resolves as soon as it is done. */
function handshake(port: number, groups: string | undefined, session?: Buffer): Promise<{ reused: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, session, ...(groups ? { ecdhCurve: groups } : {}) });
    socket.once("secureConnect", () => {
      const reused = socket.isSessionReused();
      socket.destroy();
      resolve({ reused });
    });
    socket.on("error", reject);
  });
}

/** A session to resume: TLS 1.3 tickets follow the handshake, so wait for one (null if none comes). */
function fetchTicket(port: number, groups: string | undefined): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...(groups ? { ecdhCurve: groups } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 1000);
    socket.once("session", (ticket: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ticket);
    });
    socket.on("data", () => {});
    socket.on("error", reject);
  });
}

async function measure(run: () => Promise<{ reused: boolean }>, cpu?: () => Promise<number> | number): Promise<HandshakeRate> {
  let done = 0;
  let reused = 0;
  const cpuBefore = cpu ? await cpu() : 0;
  const started = Date.now();
  const ends = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < ends) {
        const result = await run();
        done++;
        if (result.reused) reused++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const rate: HandshakeRate = { perSecond: done / elapsed, reusedShare: done ? reused / done : 0 };
  if (cpu) rate.serverCpuMs = (((await cpu()) - cpuBefore) * 1000) / done;
  return rate;
}

async function handshakeRates({ port, cpu, groups }: HandshakeServer): Promise<{ full: HandshakeRate; resumed: HandshakeRate }> {
  // Warm up (JIT, session caches) before either measurement.
  const warm = Date.now() + WARM_UP_MS;
  while (Date.now() < warm) await Promise.all(Array.from({ length: IN_FLIGHT }, () => handshake(port, groups)));
  const full = await measure(() => handshake(port, groups), cpu);
  const ticket = await fetchTicket(port, groups);
  // A server that issues no ticket gets full handshakes here, and a reused share of 0 says so.
  const resumed = await measure(() => handshake(port, groups, ticket ?? undefined), cpu);
  return { full, resumed };
}

export interface HandshakeServer {
  port: number;
  cpu?: () => Promise<number> | number;
  /**
   * Key-exchange groups the client offers (OpenSSL names); default Node's own, which like Chrome and
   * Firefox puts the post-quantum hybrid X25519MLKEM768 first. "X25519" measures like for like against a
   * server whose OpenSSL is older than 3.5 (squid on Debian's 3.0), which falls back to X25519 anyway.
   */
  groups?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function medianRate(rates: HandshakeRate[]): HandshakeRate {
  const cpu = rates.map((rate) => rate.serverCpuMs).filter((ms): ms is number => ms !== undefined);
  return {
    perSecond: median(rates.map((rate) => rate.perSecond)),
    reusedShare: median(rates.map((rate) => rate.reusedShare)),
    ...(cpu.length ? { serverCpuMs: median(cpu) } : {}),
  };
}

/** handshakeRates for several servers in alternating rounds; each figure is the median of its rounds. */
export async function handshakeRounds<K extends string>(
  servers: Record<K, HandshakeServer>,
  rounds = ROUNDS,
): Promise<Record<K, { full: HandshakeRate; resumed: HandshakeRate }>> {
  const names = Object.keys(servers) as K[];
  const seen = Object.fromEntries(names.map((name) => [name, { full: [] as HandshakeRate[], resumed: [] as HandshakeRate[] }])) as Record<
    K,
    { full: HandshakeRate[]; resumed: HandshakeRate[] }
  >;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const rates = await handshakeRates(servers[name]);
      seen[name].full.push(rates.full);
      seen[name].resumed.push(rates.resumed);
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { full: medianRate(seen[name].full), resumed: medianRate(seen[name].resumed) }]),
  ) as Record<K, { full: HandshakeRate; resumed: HandshakeRate }>;
}
