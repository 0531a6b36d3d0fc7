/**
 * Renders a MetricsSnapshot in the Prometheus text exposition format (0.0.4),
 * which is what `GET /metrics` on the admin listener answers.
 *
 *   renderMetrics(total);                                            // one process
 *   renderMetrics(total, { workers: [{ worker: 1, snapshot }, …], workerCount: 2 }); // cluster
 *
 * Written here rather than with prom-client: the set is a dozen fixed series
 * whose values already live in the gateway's own objects, and the cluster
 * primary merges workers' snapshots with its own rules (sums, worst ages,
 * counters kept across worker restarts) over the IPC channel it already has.
 * prom-client's AggregatorRegistry owns its own cluster IPC protocol and
 * merges by metric only, so it would add a dependency and still need this code.
 *
 * Labels are fixed words (direction, reason class, result, quantile) and the
 * cluster worker's number; never a session, account, destination or address.
 */
import type { MetricsSnapshot } from "./metrics";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface WorkerFigures {
  /** 1-based number of the cluster worker */
  worker: number;
  snapshot: MetricsSnapshot;
}

type Labels = Record<string, string | number>;

class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: "counter" | "gauge", help: string, samples: Array<[Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  const escapeValue = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `{${entries.map(([key, value]) => `${key}="${escapeValue(String(value))}"`).join(",")}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

export interface RenderOptions {
  /** Each cluster worker's own figures (cluster mode only). */
  workers?: WorkerFigures[];
  /** Worker processes running; default 1 (the single-process gateway). */
  workerCount?: number;
}

export function renderMetrics(total: MetricsSnapshot, options: RenderOptions = {}): string {
  const out = new Exposition();
  out.metric("cargo_gateway_bytes_total", "counter", "Bytes carried for browsers (up: browser to destination, down: back).", [
    [{ direction: "up" }, total.bytesUp],
    [{ direction: "down" }, total.bytesDown],
  ]);
  out.metric("cargo_gateway_flows_opened_total", "counter", "CONNECT tunnels and absolute-URI requests accepted.", [
    [{}, total.flowsOpened],
  ]);
  out.metric("cargo_gateway_open_tunnels", "gauge", "CONNECT tunnels open now.", [[{}, total.openTunnels]]);
  out.metric("cargo_gateway_open_requests", "gauge", "Absolute-URI requests in flight now.", [[{}, total.openRequests]]);
  out.metric("cargo_gateway_client_connections", "gauge", "Browser connections open to the listeners, idle keep-alive ones included.", [
    [{}, total.clientConnections],
  ]);
  out.metric("cargo_gateway_sessions", "gauge", "Tunnel sessions holding an open tunnel or request (per worker, summed).", [
    [{}, total.sessions],
  ]);
  out.metric(
    "cargo_gateway_refusals_total",
    "counter",
    "Requests refused or failed, by class (auth_*, destination_*, session_cap, bad_target, client_error, tunnel_failed, ...).",
    Object.entries(total.refusals)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, count]) => [{ reason }, count]),
  );
  out.metric("cargo_gateway_usage_batches_total", "counter", "Usage batch attempts, by whether the API accepted them.", [
    [{ result: "accepted" }, total.usageBatchesAccepted],
    [{ result: "failed" }, total.usageBatchesFailed],
  ]);
  out.metric(
    "cargo_gateway_usage_lag_seconds",
    "gauge",
    "Age of the oldest counted bytes the API has not accepted yet (0: none waiting).",
    [[{}, total.usageLagSeconds]],
  );
  out.metric(
    "cargo_gateway_heartbeat_age_seconds",
    "gauge",
    "Seconds since the API last accepted a heartbeat (since start if it never has).",
    [[{}, total.heartbeatAgeSeconds ?? Number.NaN]],
  );
  out.metric("cargo_gateway_heartbeat_failures_total", "counter", "Heartbeats the API did not accept.", [[{}, total.heartbeatFailures]]);
  out.metric("cargo_gateway_heartbeats_missed", "gauge", "Heartbeats missed in a row now (0 once the API accepts one).", [
    [{}, total.heartbeatsMissed],
  ]);
  out.metric(
    "cargo_gateway_refusing_new_flows",
    "gauge",
    "1 while new tunnels and requests are refused (503) because heartbeats are missed and revocations cannot be learned.",
    [[{}, total.refusingNewFlows]],
  );
  out.metric(
    "cargo_gateway_event_loop_delay_seconds",
    "gauge",
    "Event-loop delay since the previous scrape (worst process); quantile 1 is the maximum.",
    [
      [{ quantile: "0.5" }, total.eventLoopDelay.p50],
      [{ quantile: "0.99" }, total.eventLoopDelay.p99],
      [{ quantile: "1" }, total.eventLoopDelay.max],
    ],
  );
  out.metric("cargo_gateway_log_lines_suppressed_total", "counter", "Per-request log lines folded into summary lines.", [
    [{}, total.logLinesSuppressed],
  ]);
  out.metric(
    "cargo_gateway_tls_connections_total",
    "counter",
    "TLS connections accepted, by the protocol negotiated in ALPN (h2 carries every tunnel of a browser on one).",
    [
      [{ alpn: "h2" }, total.tlsConnectionsH2],
      [{ alpn: "http/1.1" }, total.tlsConnectionsHttp1],
    ],
  );
  out.metric(
    "cargo_gateway_pings_total",
    "counter",
    "Latency probes (GET /ping, 204, no body) answered to the extension's location picker.",
    [[{}, total.pingsAnswered]],
  );
  const workers = options.workers ?? [];
  out.metric("cargo_gateway_workers", "gauge", "Worker processes carrying traffic.", [[{}, options.workerCount ?? 1]]);
  if (workers.length > 0) {
    out.metric(
      "cargo_gateway_worker_bytes_total",
      "counter",
      "Bytes carried by each worker process (balance across cores).",
      workers.flatMap(
        ({ worker, snapshot }): Array<[Labels, number]> => [
          [{ worker, direction: "up" }, snapshot.bytesUp],
          [{ worker, direction: "down" }, snapshot.bytesDown],
        ],
      ),
    );
    out.metric(
      "cargo_gateway_worker_flows_opened_total",
      "counter",
      "Tunnels and requests accepted by each worker process.",
      workers.map(({ worker, snapshot }): [Labels, number] => [{ worker }, snapshot.flowsOpened]),
    );
  }
  return out.toString();
}
