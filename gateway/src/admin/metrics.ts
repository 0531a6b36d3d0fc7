/**
 * The gateway's figures for operators: a plain, serialisable snapshot per
 * process, taken from the parts that already keep the numbers (registry,
 * meter, reporter, heartbeat), and merged across cluster workers by the
 * primary. Nothing in a snapshot names a session, account, destination or
 * client: it is counts, byte sums, ages and refusal classes only.
 *
 *   const refusals = new RefusalCounter();          // fed by SummarizingLogger's onEvent
 *   const loop = new EventLoopDelay();              // perf_hooks histogram, reset per read
 *   const snapshot = takeSnapshot({ registry, meter, reporter, heartbeat, … });
 *   const total = mergeSnapshots([a, b]);           // counters summed, ages and delays maxed
 *   renderMetrics(total)                            // metrics-text.ts
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import type { Heartbeat } from "../api/heartbeat";
import type { LogFields } from "../logger";
import type { SessionRegistry } from "../auth/session-registry";
import { Tunnel } from "../proxy/tunnel";
import type { UsageMeter } from "../accounting/usage-meter";
import type { UsageReporter } from "../accounting/usage-reporter";

export interface EventLoopFigures {
  /** seconds */
  p50: number;
  p99: number;
  max: number;
}

export interface MetricsSnapshot {
  bytesUp: number;
  bytesDown: number;
  /** Tunnels and forwarded requests accepted since start. */
  flowsOpened: number;
  openTunnels: number;
  openRequests: number;
  /** Browser connections open to the listeners (including idle keep-alive ones). */
  clientConnections: number;
  /** Sessions holding at least one open flow. */
  sessions: number;
  /** Refusals and failed dials by class (request_refused reasons, tunnel_failed, …). */
  refusals: Record<string, number>;
  usageBatchesAccepted: number;
  usageBatchesFailed: number;
  /** Age of the oldest counted bytes the API has not accepted yet. */
  usageLagSeconds: number;
  /** Since the API last accepted a heartbeat; null in a process that does not beat (cluster workers). */
  heartbeatAgeSeconds: number | null;
  heartbeatFailures: number;
  /** Heartbeats missed in a row now (0 once one is accepted). */
  heartbeatsMissed: number;
  /** 1 while new flows are refused because heartbeats are missed, else 0. */
  refusingNewFlows: number;
  eventLoopDelay: EventLoopFigures;
  logLinesSuppressed: number;
  /** TLS connections accepted since start that negotiated h2 (h2-listener.ts). */
  tlsConnectionsH2: number;
  /** TLS connections accepted since start on HTTP/1.1 (ALPN http/1.1 or none). */
  tlsConnectionsHttp1: number;
  /** Latency probes (GET /ping) answered since start (ping.ts). */
  pingsAnswered: number;
}

export function emptySnapshot(): MetricsSnapshot {
  return {
    bytesUp: 0,
    bytesDown: 0,
    flowsOpened: 0,
    openTunnels: 0,
    openRequests: 0,
    clientConnections: 0,
    sessions: 0,
    refusals: {},
    usageBatchesAccepted: 0,
    usageBatchesFailed: 0,
    usageLagSeconds: 0,
    heartbeatAgeSeconds: null,
    heartbeatFailures: 0,
    heartbeatsMissed: 0,
    refusingNewFlows: 0,
    eventLoopDelay: { p50: 0, p99: 0, max: 0 },
    logLinesSuppressed: 0,
    tlsConnectionsH2: 0,
    tlsConnectionsHttp1: 0,
    pingsAnswered: 0,
  };
}

const SUMMED = [
  "bytesUp",
  "bytesDown",
  "flowsOpened",
  "openTunnels",
  "openRequests",
  "clientConnections",
  "sessions",
  "usageBatchesAccepted",
  "usageBatchesFailed",
  "heartbeatFailures",
  "logLinesSuppressed",
  "tlsConnectionsH2",
  "tlsConnectionsHttp1",
  "pingsAnswered",
] as const satisfies ReadonlyArray<keyof MetricsSnapshot>;

/** The counters that keep growing over a process's life (kept when a worker is replaced). */
export const COUNTERS = [
  "bytesUp",
  "bytesDown",
  "flowsOpened",
  "usageBatchesAccepted",
  "usageBatchesFailed",
  "logLinesSuppressed",
  "tlsConnectionsH2",
  "tlsConnectionsHttp1",
  "pingsAnswered",
] as const;

/**
 * One snapshot for several processes. Counts and gauges add up (a session
 * whose flows sit in two workers counts in each); ages and delays take the
 * worst process, which is what an alert wants.
 */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const total = emptySnapshot();
  for (const snapshot of snapshots) {
    for (const key of SUMMED) total[key] += snapshot[key];
    for (const [reason, count] of Object.entries(snapshot.refusals)) total.refusals[reason] = (total.refusals[reason] ?? 0) + count;
    total.usageLagSeconds = Math.max(total.usageLagSeconds, snapshot.usageLagSeconds);
    total.heartbeatsMissed = Math.max(total.heartbeatsMissed, snapshot.heartbeatsMissed);
    total.refusingNewFlows = Math.max(total.refusingNewFlows, snapshot.refusingNewFlows);
    if (snapshot.heartbeatAgeSeconds !== null) {
      total.heartbeatAgeSeconds = Math.max(total.heartbeatAgeSeconds ?? 0, snapshot.heartbeatAgeSeconds);
    }
    for (const key of ["p50", "p99", "max"] as const) {
      total.eventLoopDelay[key] = Math.max(total.eventLoopDelay[key], snapshot.eventLoopDelay[key]);
    }
  }
  return total;
}

/**
 * Refusals by class. The classes come from the gateway's own code (refusal
 * reasons, error codes), never from a request, and are bounded all the same:
 * classes past `maxClasses` are counted as "other".
 */
export class RefusalCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxClasses = 64) {}

  /** For SummarizingLogger's onEvent: the event's `reason` field, else the event name. */
  count(event: string, fields: LogFields): void {
    let reason = typeof fields.reason === "string" ? fields.reason : event;
    if (!this.counts.has(reason) && this.counts.size >= this.maxClasses) reason = "other";
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** Event-loop delay from perf_hooks; each read covers the time since the previous one. */
export class EventLoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.histogram.enable();
  }

  private last: EventLoopFigures = { p50: 0, p99: 0, max: 0 };

  /**
   * The delay since the last read. Two readers (the heartbeat and a scrape) can read within one
   * sampling interval; the second then sees no sample and gets the last figures, not a false zero.
   */
  read(): EventLoopFigures {
    const h = this.histogram;
    if (h.count === 0) return this.last;
    this.last = { p50: h.percentile(50) / 1e9, p99: h.percentile(99) / 1e9, max: h.max / 1e9 };
    h.reset();
    return this.last;
  }

  stop(): void {
    this.histogram.disable();
  }
}

export interface SnapshotSources {
  registry: SessionRegistry;
  meter: UsageMeter;
  reporter: UsageReporter;
  /** null when another process beats for this one */
  heartbeat: Heartbeat | null;
  refusals: RefusalCounter;
  loop: EventLoopDelay;
  clientConnections: number;
  logLinesSuppressed: number;
  refusingNewFlows: boolean;
  /** TLS connections by negotiated protocol (h2-listener.ts); absent without a TLS listener. */
  tlsConnections?: { h2: number; http1: number };
  /** Latency probes answered (ping.ts). */
  pingsAnswered: number;
}

/** This process's figures now. Charges open flows first, so bytes carried are current. */
export function takeSnapshot(sources: SnapshotSources): MetricsSnapshot {
  const { registry, meter, reporter, heartbeat } = sources;
  registry.chargeAll();
  const openTunnels = registry.countFlows((flow) => flow instanceof Tunnel);
  return {
    bytesUp: meter.totalUp,
    bytesDown: meter.totalDown,
    flowsOpened: registry.opened,
    openTunnels,
    openRequests: registry.openFlows - openTunnels,
    clientConnections: sources.clientConnections,
    sessions: registry.activeSessions,
    refusals: sources.refusals.toRecord(),
    usageBatchesAccepted: reporter.batchesAccepted,
    usageBatchesFailed: reporter.batchesFailed,
    usageLagSeconds: reporter.lagMs() / 1000,
    heartbeatAgeSeconds: heartbeat ? heartbeat.ageSeconds() : null,
    heartbeatFailures: heartbeat?.failures ?? 0,
    heartbeatsMissed: heartbeat?.missedInARow ?? 0,
    refusingNewFlows: sources.refusingNewFlows ? 1 : 0,
    eventLoopDelay: sources.loop.read(),
    logLinesSuppressed: sources.logLinesSuppressed,
    tlsConnectionsH2: sources.tlsConnections?.h2 ?? 0,
    tlsConnectionsHttp1: sources.tlsConnections?.http1 ?? 0,
    pingsAnswered: sources.pingsAnswered,
  };
}
