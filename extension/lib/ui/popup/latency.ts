/**
 * Measured latency to each location's gateway, for the picker: three timed
 * `GET <pingUrl>` (the gateway's 204 probe, gateway/src/proxy/ping.ts), one after
 * another, and their median — the first also pays for the connection, the
 * median leaves that out. A probe that fails, times out or answers anything
 * but 204 makes the location "unreachable" (null): still listed, never
 * "Fastest".
 *
 * Only measured while the VPN is off: with it on, the probes would travel
 * through the tunnel and time the tunnel instead. The last figures are kept
 * in the popup's localStorage (this device only, never sent).
 *
 *   const latencies = await measureLatencies(locations, { fetch, now: () => performance.now() });
 *   fastestLocation(locations, latencies);   // lowest median; by load when none was measured
 *   defaultLocation(locations, latencies);   // the same, else the first online one
 */
import type { Location } from "@cargo-vpn/shared/schemas";

const PROBES_PER_LOCATION = 3;
const PROBE_TIMEOUT_MS = 3000;

/** Milliseconds by location id; null: the gateway did not answer. A missing id: not measured yet. */
export type Latencies = ReadonlyMap<string, number | null>;

export interface ProbeDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  now: () => number;
  timeoutMs?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of `probes` timed requests to `url`, in whole ms; null when any fails. */
export async function measureLatency(url: string, deps: ProbeDeps, probes = PROBES_PER_LOCATION): Promise<number | null> {
  const times: number[] = [];
  for (let i = 0; i < probes; i++) {
    const started = deps.now();
    try {
      const response = await deps.fetch(url, {
        cache: "no-store",
        credentials: "omit",
        redirect: "error",
        signal: AbortSignal.timeout(deps.timeoutMs ?? PROBE_TIMEOUT_MS),
      });
      if (response.status !== 204) return null;
    } catch {
      return null;
    }
    times.push(deps.now() - started);
  }
  return Math.max(1, Math.round(median(times)));
}

/** Every online location at once (each gateway's probes in turn); offline ones are not probed. */
export async function measureLatencies(locations: readonly Location[], deps: ProbeDeps): Promise<Map<string, number | null>> {
  const online = locations.filter((l) => l.online);
  const results = await Promise.all(online.map(async (l) => [l.id, await measureLatency(l.pingUrl, deps)] as const));
  return new Map(results);
}

/**
 * "Fastest": the online location with the lowest measured latency (ties by
 * load); unreachable ones never. Before any figure is in, the lowest load.
 */
export function fastestLocation(locations: readonly Location[], latencies: Latencies): Location | undefined {
  const ms = (l: Location) => latencies.get(l.id) ?? Number.POSITIVE_INFINITY;
  // Two unmeasured ones compare as NaN, which falls through to their load.
  return locations.filter((l) => l.online && latencies.get(l.id) !== null).sort((a, b) => ms(a) - ms(b) || a.load - b.load)[0];
}

/**
 * The location used when nobody chose one (a fresh sign-in, or the saved
 * choice went offline): the picker's "Fastest" entry, so what is preselected
 * is what the list calls fastest. Until a latency is measured, that is the
 * lowest load (fastestLocation's own rule: load is the one figure the API
 * gives for every location, and the least busy gateway is the best guess);
 * when every gateway failed its probes there is no Fastest, and the first
 * online location keeps the switch usable (connecting then says what is wrong).
 */
export function defaultLocation(locations: readonly Location[], latencies: Latencies): Location | undefined {
  return fastestLocation(locations, latencies) ?? locations.find((l) => l.online);
}

const STORE_KEY = "cargo.locationLatencies";

/** The last measured figures (kept across popup openings, so they show while connected). */
export function readLatencies(memory: Pick<Storage, "getItem">): Map<string, number | null> {
  try {
    const value = JSON.parse(memory.getItem(STORE_KEY) ?? "{}") as Record<string, unknown>;
    return new Map(
      Object.entries(value).filter((entry): entry is [string, number | null] => entry[1] === null || typeof entry[1] === "number"),
    );
  } catch {
    return new Map();
  }
}

export function saveLatencies(memory: Pick<Storage, "setItem">, latencies: Latencies): void {
  memory.setItem(STORE_KEY, JSON.stringify(Object.fromEntries(latencies)));
}
