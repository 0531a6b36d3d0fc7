/**
 * The admin listener over real sockets: /healthz, and /metrics after real
 * traffic — a tunnel, an absolute-URI request, 407'd, refused and malformed
 * clients — showing the figures move and that the scrape names no session,
 * destination or client address. Then 1000 refused or dropped clients, to
 * show refusals are counted, not logged one line each.
 */
import { once } from "node:events";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startAdminServer, type AdminServer } from "./admin-server";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { renderMetrics } from "./metrics-text";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { httpOverSocket, openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";

interface Setup {
  api: FakeApi;
  origin: Origin;
  gateway: RunningGateway;
  admin: AdminServer;
  lines: string[];
}

let setup: Setup | null = null;
afterEach(async () => {
  if (!setup) return;
  await setup.admin.close();
  await setup.gateway.close();
  await setup.origin.close();
  await setup.api.close();
  setup = null;
});

async function start(options: { logSummaryIntervalMs?: number } = {}): Promise<Setup> {
  const api = await startFakeApi();
  const origin = await startOrigin();
  const { logger, lines } = memoryLogger();
  const gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger,
    ...options,
  });
  let healthy = true;
  const admin = await startAdminServer({
    host: "127.0.0.1",
    port: 0,
    metrics: async () => renderMetrics(gateway.metrics()),
    healthy: () => healthy,
  });
  const close = gateway.close;
  gateway.close = () => {
    healthy = false;
    return close();
  };
  setup = { api, origin, gateway, admin, lines };
  return setup;
}

async function scrape(admin: AdminServer, path = "/metrics"): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${admin.port}${path}`);
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** The value of one sample, by metric name and exact label text (`{reason="auth_missing"}` or ""). */
function sample(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  if (!line) throw new Error(`no sample ${name}${labels}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** Connects, sends `data` (if any) and waits for the gateway to close the connection. */
async function poke(port: number, data?: string): Promise<number> {
  const socket = net.connect({ host: "127.0.0.1", port });
  await once(socket, "connect");
  const localPort = socket.localPort!;
  if (data === undefined) {
    socket.destroy();
    return localPort;
  }
  socket.on("error", () => {});
  socket.resume();
  socket.end(data);
  await once(socket, "close");
  return localPort;
}

describe("admin listener", () => {
  it("answers /healthz 200 while serving and 503 once draining, and 404 elsewhere", async () => {
    const { admin, gateway } = await start();
    expect(await scrape(admin, "/healthz")).toMatchObject({ status: 200, text: "ok\n" });
    expect((await scrape(admin, "/other")).status).toBe(404);
    const closing = gateway.close();
    expect(await scrape(admin, "/healthz")).toMatchObject({ status: 503 });
    await closing;
  });

  it("counts traffic, tunnels, sessions and refusals by class, and names no session, destination or client", async () => {
    const { admin, gateway, origin, api } = await start();
    const port = gateway.port;
    const session = "s-metrics-7f3a";
    const auth = await api.proxyAuthorization(session);
    const target = `127.0.0.1:${origin.port}`;
    const clientPorts: number[] = [];

    const tunnel = await openTunnel({ port, auth, target });
    expect(tunnel.status).toBe(200);
    clientPorts.push(tunnel.socket.localPort!);
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/20000")).body.length).toBe(20000);
    const held = await openTunnel({ port, auth, target });
    expect(held.status).toBe(200);
    clientPorts.push(held.socket.localPort!);
    expect((await proxiedRequest({ port, auth, url: `http://${target}/bytes/3000` })).status).toBe(200);
    expect((await openTunnel({ port, target })).status).toBe(407);
    expect((await openTunnel({ port, target, auth: await api.proxyAuthorization("s-expired-9c1d", { expiresIn: -60 }) })).status).toBe(407);
    expect((await openTunnel({ port, target: "10.9.8.7:443", auth })).status).toBe(403);
    expect((await openTunnel({ port, target: "no-port-here", auth })).status).toBe(400);
    clientPorts.push(await poke(port, "NOT A REQUEST\r\n\r\n"));

    // The event-loop histogram takes a sample each time its 10 ms timer fires; on a fast run all of the above
    // can finish before the first one, and "no sample yet" reads as 0. Let a few intervals pass.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = await scrape(admin);
    expect(during.status).toBe(200);
    expect(during.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = during.text;
    // The open tunnel's bytes are charged at scrape time, before any usage flush.
    expect(sample(text, "cargo_gateway_bytes_total", '{direction="down"}')).toBeGreaterThanOrEqual(23000);
    expect(sample(text, "cargo_gateway_open_tunnels")).toBe(1);
    expect(sample(text, "cargo_gateway_sessions")).toBe(1);
    expect(sample(text, "cargo_gateway_flows_opened_total")).toBe(3);
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="auth_missing"}')).toBe(1);
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="auth_expired"}')).toBe(1);
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="destination_private"}')).toBe(1);
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="bad_target"}')).toBe(1);
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="client_error"}')).toBe(1);
    expect(sample(text, "cargo_gateway_usage_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "cargo_gateway_event_loop_delay_seconds", '{quantile="0.99"}')).toBeGreaterThan(0);
    expect(sample(text, "cargo_gateway_workers")).toBe(1);

    // Nothing that identifies a person or a destination, anywhere in the scrape.
    for (const needle of [session, "s-expired-9c1d", "127.0.0.1", "10.9.8.7", "no-port-here", "localhost", "/bytes"]) {
      expect(text).not.toContain(needle);
    }
    // Ports are numbers, so look for them where they could hide: names and labels.
    const namesAndLabels = text
      .split("\n")
      .filter((line) => !line.startsWith("#"))
      .map((line) => line.slice(0, line.lastIndexOf(" ")))
      .join("\n");
    for (const number of [origin.port, ...clientPorts]) expect(namesAndLabels).not.toContain(String(number));

    // Usage: before the flush the bytes wait (lag > 0 once time passes); after it, nothing waits.
    held.socket.destroy();
    await origin.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sample((await scrape(admin)).text, "cargo_gateway_usage_lag_seconds")).toBeGreaterThan(0);
    expect(await gateway.flush()).toBe(true);
    const after = (await scrape(admin)).text;
    expect(sample(after, "cargo_gateway_usage_lag_seconds")).toBe(0);
    expect(sample(after, "cargo_gateway_usage_batches_total", '{result="accepted"}')).toBe(1);
    expect(sample(after, "cargo_gateway_open_tunnels")).toBe(0);
    expect(sample(after, "cargo_gateway_bytes_total", '{direction="down"}')).toBe(origin.sent);
    expect(sample(after, "cargo_gateway_bytes_total", '{direction="up"}')).toBe(origin.received);
  });

  it("reports usage-batch failures and heartbeat age", async () => {
    const { admin, gateway, api } = await start();
    await gateway.heartbeat();
    const auth = await api.proxyAuthorization("s-fail");
    expect((await proxiedRequest({ port: gateway.port, auth, url: `http://127.0.0.1:${setup!.origin.port}/bytes/10` })).status).toBe(200);
    api.failUsage(2, { status: 503 });
    expect(await gateway.flush()).toBe(false);
    expect(await gateway.flush()).toBe(false);
    const text = (await scrape(admin)).text;
    expect(sample(text, "cargo_gateway_usage_batches_total", '{result="failed"}')).toBe(2);
    expect(sample(text, "cargo_gateway_usage_lag_seconds")).toBeGreaterThan(0);
    const age = sample(text, "cargo_gateway_heartbeat_age_seconds");
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(5);
  });
});

describe("per-request log lines", () => {
  it("1000 refused or dropped clients write a bounded number of log lines, and every refusal is counted", async () => {
    const { admin, gateway, lines } = await start({ logSummaryIntervalMs: 3_600_000 });
    const port = gateway.port;
    const before = lines.length;
    const kinds = [
      () => poke(port, "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: x\r\n\r\n"), // 407, no credentials
      () => poke(port, "GARBAGE\r\n\r\n"), // 400, malformed
      () => poke(port), // connects and drops
    ];
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => kinds[(i + j) % kinds.length]!()));
    }
    const written = lines.slice(before);
    // At most one line per class at once, whatever the number of clients.
    expect(written.length).toBeLessThanOrEqual(4);
    const text = (await scrape(admin)).text;
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="auth_missing"}')).toBe(334);
    expect(sample(text, "cargo_gateway_refusals_total", '{reason="client_error"}')).toBe(333);
    // Every refusal not written as a line was folded into the summaries.
    expect(sample(text, "cargo_gateway_log_lines_suppressed_total")).toBe(334 + 333 - written.length);

    // When the window closes, each class is one line carrying its count.
    await gateway.close();
    const summaries = lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const authSummary = summaries.find((l) => l.reason === "auth_missing" && l.repeats !== undefined);
    expect(authSummary?.repeats).toBe(333);
    expect(lines.length - before).toBeLessThanOrEqual(10);
  });
});
