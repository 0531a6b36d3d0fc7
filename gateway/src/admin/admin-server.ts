/**
 * The operators' listener, apart from the proxy listeners (loopback by
 * default): `GET /healthz` answers 200 `ok` while the gateway carries traffic,
 * 503 `draining` once it is draining or has no worker, and 503
 * `refusing new flows: heartbeats missed` while it cannot reach the API
 * (heartbeat.ts), so a load balancer sends browsers elsewhere; `GET /metrics` answers the
 * Prometheus text of metrics-text.ts. It logs nothing per request and answers
 * nothing else.
 *
 *   const admin = await startAdminServer({ host: "127.0.0.1", port: 9090, metrics: async () => text, healthy: () => true });
 *   admin.port; await admin.close();
 */
import http from "node:http";
import type net from "node:net";
import { METRICS_CONTENT_TYPE } from "./metrics-text";

export interface AdminServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The metrics text now (a cluster primary asks its workers first). */
  metrics: () => Promise<string>;
  healthy: () => boolean;
  /** True while new flows are refused because heartbeats are missed. */
  refusingNewFlows?: () => boolean;
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return answer(405, "method not allowed\n");
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      if (!options.healthy()) return answer(503, "draining\n");
      if (options.refusingNewFlows?.()) return answer(503, "refusing new flows: heartbeats missed\n");
      return answer(200, "ok\n");
    }
    if (path === "/metrics") {
      options.metrics().then(
        (text) => answer(200, text, METRICS_CONTENT_TYPE),
        () => answer(503, "metrics unavailable\n"),
      );
      return;
    }
    answer(404, "not found\n");
  });
  // Scrapers keep connections alive; close() must not wait on them.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
