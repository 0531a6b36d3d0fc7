import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterEach, expect, it } from "vitest";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { httpOverSocket, openTunnel } from "@cargo-vpn/testkit/proxy-client";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { type CliGateway, startCli } from "./cli-process.test-support";

const HEARTBEAT_MS = 400;

let cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function startGateway(api: FakeApi, env: Record<string, string> = {}): Promise<CliGateway> {
  return startCli(api, { GATEWAY_HEARTBEAT_MS: String(HEARTBEAT_MS), ...env }, cleanup);
}

async function metrics(gateway: CliGateway): Promise<string> {
  return (await fetch(`http://127.0.0.1:${gateway.adminPort}/metrics`)).text();
}

function sample(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  if (!line) throw new Error(`no sample ${name}${labels}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

async function setup(): Promise<{ api: FakeApi; origin: Origin }> {
  const api = await startFakeApi();
  const origin = await startOrigin();
  cleanup.push(
    () => api.close(),
    () => origin.close(),
  );
  return { api, origin };
}

it("deals tunnels to both workers, adds their figures up, and on SIGTERM drains both and reports every byte", async () => {
  const { api, origin } = await setup();
  const gateway = await startGateway(api);
  const auth = await api.proxyAuthorization("s-cluster");
  const target = `127.0.0.1:${origin.port}`;
  for (let i = 0; i < 8; i++) {
    const tunnel = await openTunnel({ port: gateway.port, auth, target });
    expect(tunnel.status).toBe(200);
    expect((await httpOverSocket(tunnel.socket, "GET", `/bytes/${10_000 + i}`)).status).toBe(200);
    tunnel.socket.destroy();
  }
  await origin.idle();

  const text = await metrics(gateway);
  expect(sample(text, "cargo_gateway_workers")).toBe(2);
  const perWorker = [1, 2].map((worker) => sample(text, "cargo_gateway_worker_flows_opened_total", `{worker="${worker}"}`));
  // Round-robin: the eight tunnels split evenly between the two workers.
  expect(perWorker).toEqual([4, 4]);
  expect(sample(text, "cargo_gateway_flows_opened_total")).toBe(8);
  const down = [1, 2].map((worker) => sample(text, "cargo_gateway_worker_bytes_total", `{worker="${worker}",direction="down"}`));
  expect(down[0]! + down[1]!).toBe(origin.sent);
  expect(sample(text, "cargo_gateway_bytes_total", '{direction="down"}')).toBe(origin.sent);
  expect(sample(text, "cargo_gateway_heartbeat_age_seconds")).toBeLessThan(5);
  // The per-worker series name workers, never a session, destination or client.
  for (const needle of ["s-cluster", "127.0.0.1", `${origin.port}"`, `=${origin.port}`]) expect(text).not.toContain(needle);
  expect(api.usageRequests).toHaveLength(0);

  // One heartbeat for the gateway, not one per worker, carrying the session.
  const beatsBefore = api.heartbeats.length;
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
  expect(api.heartbeats.length - beatsBefore).toBeLessThanOrEqual(4);

  gateway.child.kill("SIGTERM");
  const [code] = await once(gateway.child, "exit");
  expect(code).toBe(0);
  expect(api.totals("s-cluster")).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
  // Each worker sent its own batch with its own id.
  expect(new Set(api.appliedBatchIds()).size).toBe(2);
  expect(gateway.stderr().match(/"event":"gateway_stopped"/g)).toHaveLength(2);
});

it("a session its holder ends on one worker is cut in every worker at once, not at the next heartbeat", async () => {
  const { api, origin } = await setup();
  // Heartbeats an hour apart: only the holder's word can end the session here.
  const gateway = await startGateway(api, { GATEWAY_HEARTBEAT_MS: "3600000" });
  const auth = await api.proxyAuthorization("s-holder-ends");
  const tunnels = [];
  for (let i = 0; i < 2; i++) {
    const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
    expect(tunnel.status).toBe(200);
    tunnels.push(tunnel.socket);
  }
  const text = await metrics(gateway);
  expect([1, 2].map((w) => sample(text, "cargo_gateway_worker_flows_opened_total", `{worker="${w}"}`))).toEqual([1, 1]);
  const closed = tunnels.map((socket) => once(socket, "close"));
  for (const socket of tunnels) socket.resume();
  const ended = await fetch(`http://127.0.0.1:${gateway.port}/session/end`, { method: "POST", headers: { authorization: auth } });
  expect(ended.status).toBe(204);
  await Promise.all(closed);
  // Both workers refuse the credential now (round-robin: two tries reach both).
  for (let i = 0; i < 2; i++) {
    expect((await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` })).status).toBe(407);
  }
});

it("cuts a revoked session's tunnels in every worker within one heartbeat, and forwards SIGHUP to every worker", async () => {
  const { api, origin } = await setup();
  const gateway = await startGateway(api);
  const auth = await api.proxyAuthorization("s-revoke");
  const tunnels = [];
  for (let i = 0; i < 4; i++) {
    const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
    expect(tunnel.status).toBe(200);
    tunnels.push(tunnel.socket);
  }
  const text = await metrics(gateway);
  expect([1, 2].map((worker) => sample(text, "cargo_gateway_worker_flows_opened_total", `{worker="${worker}"}`))).toEqual([2, 2]);
  expect(sample(text, "cargo_gateway_open_tunnels")).toBe(4);
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 2));
  expect(api.heartbeats.at(-1)).toMatchObject({ activeSessions: 2, sessions: ["s-revoke"] });

  const closed = tunnels.map((socket) => (socket.destroyed ? Promise.resolve() : once(socket, "close")));
  for (const socket of tunnels) socket.resume();
  const revokedAt = Date.now();
  api.revoked.add("s-revoke");
  await Promise.all(closed);
  expect(Date.now() - revokedAt).toBeLessThan(HEARTBEAT_MS + 1000);
  expect((await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` })).status).toBe(407);

  gateway.child.kill("SIGHUP");
  const ends = Date.now() + 5000;
  while ((gateway.stderr().match(/"event":"signal_received"/g) ?? []).length < 2 && Date.now() < ends) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const received = gateway
    .stderr()
    .split("\n")
    .filter((line) => line.includes('"signal_received"'))
    .map((line) => (JSON.parse(line) as { worker: number }).worker);
  expect(received.sort()).toEqual([1, 2]);
  // Still serving after the signal.
  const fresh = await openTunnel({ port: gateway.port, auth: await api.proxyAuthorization("s-after"), target: `127.0.0.1:${origin.port}` });
  expect(fresh.status).toBe(200);
  fresh.socket.destroy();
  gateway.child.kill("SIGTERM");
  expect((await once(gateway.child, "exit"))[0]).toBe(0);
});

it("replaces a worker that dies, and the gateway's counters do not go backwards", async () => {
  const { api, origin } = await setup();
  const gateway = await startGateway(api);
  const auth = await api.proxyAuthorization("s-restart");
  for (let i = 0; i < 4; i++) {
    const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/1000")).status).toBe(200);
    tunnel.socket.destroy();
  }
  const before = await metrics(gateway);
  expect(sample(before, "cargo_gateway_flows_opened_total")).toBe(4);

  const workers = readFileSync(`/proc/${gateway.child.pid}/task/${gateway.child.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
  expect(workers).toHaveLength(2);
  process.kill(workers[0]!, "SIGKILL");
  const ends = Date.now() + 10_000;
  let text = "";
  while (Date.now() < ends) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    text = await metrics(gateway);
    if (gateway.stderr().includes('"worker_exited"') && sample(text, "cargo_gateway_workers") === 2) break;
  }
  expect(gateway.stderr()).toContain('"event":"worker_exited"');
  expect(sample(text, "cargo_gateway_workers")).toBe(2);
  expect(sample(text, "cargo_gateway_flows_opened_total")).toBe(4);
  // Both workers carry traffic again.
  for (let i = 0; i < 2; i++) {
    const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
    expect(tunnel.status).toBe(200);
    tunnel.socket.destroy();
  }
  const after = await metrics(gateway);
  expect(sample(after, "cargo_gateway_flows_opened_total")).toBe(6);
  expect(
    [1, 2].map((worker) => sample(after, "cargo_gateway_worker_flows_opened_total", `{worker="${worker}"}`)).every((n) => n >= 1),
  ).toBe(true);
});

it("with GATEWAY_WORKERS=1 runs one process, admin listener included", async () => {
  const { api, origin } = await setup();
  const gateway = await startGateway(api, { GATEWAY_WORKERS: "1" });
  expect(readFileSync(`/proc/${gateway.child.pid}/task/${gateway.child.pid}/children`, "utf8").trim()).toBe("");
  const auth = await api.proxyAuthorization("s-single");
  const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
  expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/5000")).status).toBe(200);
  tunnel.socket.destroy();
  await origin.idle();
  const text = await metrics(gateway);
  expect(sample(text, "cargo_gateway_workers")).toBe(1);
  expect(text).not.toContain("cargo_gateway_worker_");
  expect(sample(text, "cargo_gateway_bytes_total", '{direction="down"}')).toBe(origin.sent);
  expect((await fetch(`http://127.0.0.1:${gateway.adminPort}/healthz`)).status).toBe(200);
  gateway.child.kill("SIGTERM");
  expect((await once(gateway.child, "exit"))[0]).toBe(0);
  expect(api.totals("s-single")).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
});

it("serves both TLS listeners from every worker too: h2 on by default beside the http/1.1-only port, which never offers it", async () => {
  const { api, origin } = await setup();
  const dir = mkdtempSync(join(tmpdir(), "cargo-cluster-tls-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = selfSignedCert();
  writeFileSync(join(dir, "cert.pem"), cert);
  writeFileSync(join(dir, "key.pem"), key);
  const gateway = await startGateway(api, {
    GATEWAY_TLS_PORT: "0",
    GATEWAY_TLS_HTTP1_PORT: "0",
    GATEWAY_TLS_CERT: join(dir, "cert.pem"),
    GATEWAY_TLS_KEY: join(dir, "key.pem"),
  });
  const tlsPort = Number(/TLS on (\d+)/.exec(gateway.stdout())![1]);
  const http1Port = gateway.tlsHttp1Port!;
  expect(http1Port).toBeGreaterThan(0);
  expect(http1Port).not.toBe(tlsPort);
  const auth = await api.proxyAuthorization("s-tls");
  for (const port of [tlsPort, http1Port]) {
    for (let i = 0; i < 4; i++) {
      const tunnel = await openTunnel({ port, ca: cert, auth, target: `127.0.0.1:${origin.port}` });
      expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/100")).status).toBe(200);
      tunnel.socket.destroy();
    }
  }
  // Each listener deals its own connections in turn: four each way is two per worker per listener.
  const text = await metrics(gateway);
  expect([1, 2].map((worker) => sample(text, "cargo_gateway_worker_flows_opened_total", `{worker="${worker}"}`))).toEqual([4, 4]);
  const sockets = [tlsPort, http1Port, http1Port].map((port) =>
    tls.connect({ host: "127.0.0.1", port, ca: cert, ALPNProtocols: ["h2", "http/1.1"] }),
  );
  await Promise.all(sockets.map((socket) => once(socket, "secureConnect")));
  expect(sockets.map((socket) => socket.alpnProtocol)).toEqual(["h2", "http/1.1", "http/1.1"]);
  // Open until counted (a socket closed at once may be reset before its worker reads the handshake's end).
  const counted = async () => {
    const now = await metrics(gateway);
    return [
      sample(now, "cargo_gateway_tls_connections_total", '{alpn="h2"}'),
      sample(now, "cargo_gateway_tls_connections_total", '{alpn="http/1.1"}'),
    ];
  };
  const ends = Date.now() + 5000;
  // The tunnels' eight and the last two on HTTP/1.1, one on h2.
  while ((await counted()).join() !== "1,10" && Date.now() < ends) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await counted()).toEqual([1, 10]);
  for (const socket of sockets) socket.destroy();
});

it("a worker killed with SIGKILL while its batch is unacknowledged loses no counted byte: its replacement sends the journal, once", async () => {
  const { api, origin } = await setup();
  const dir = mkdtempSync(join(tmpdir(), "cargo-usage-journal-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const gateway = await startGateway(api, { GATEWAY_FLUSH_MS: "100", GATEWAY_USAGE_JOURNAL_DIR: dir });
  const auth = await api.proxyAuthorization("s-crash");
  const download = async (bytes: number) => {
    const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
    expect(tunnel.status).toBe(200);
    expect((await httpOverSocket(tunnel.socket, "GET", `/bytes/${bytes}`)).status).toBe(200);
    tunnel.socket.destroy();
  };
  // Every usage call fails (nothing applied) from the start: each worker retries its batch with the same
  // batchId, counts meanwhile wait in its meter, and the killed worker's bytes exist only in its journal.
  api.failUsage(100_000);
  await Promise.all([0, 1, 2, 3].map((i) => download(20_000 + i)));
  await origin.idle();
  const journals = () => readdirSync(dir).filter((name) => name.endsWith(".json"));
  const journaledDown = () =>
    journals().reduce((sum, name) => {
      const state = JSON.parse(readFileSync(join(dir, name), "utf8")) as { outstanding: { reports: Report[] } | null; pending: Report[] };
      return sum + [...(state.outstanding?.reports ?? []), ...state.pending].reduce((n, r) => n + r.bytesDown, 0);
    }, 0);
  // Both workers have journaled every byte they carried (their retries back off, so this can take seconds).
  await until(() => journals().length === 2 && journaledDown() === origin.sent, 30_000);
  expect(api.totals("s-crash")).toEqual({ bytesUp: 0, bytesDown: 0 });
  const journal = readFileSync(join(dir, journals()[0]!), "utf8");
  // Session ids and byte counts only.
  expect(Object.keys(JSON.parse(journal)).sort()).toEqual(["outstanding", "pending"]);
  expect(journal).not.toContain("127.0.0.1");

  const workers = readFileSync(`/proc/${gateway.child.pid}/task/${gateway.child.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
  process.kill(workers[0]!, "SIGKILL");
  await until(() => gateway.stderr().includes('"event":"usage_journal_restored"'), 30_000);
  api.failUsage(0);
  // More traffic through both workers, the replacement included.
  await Promise.all([0, 1, 2, 3].map((i) => download(30_000 + i)));
  await origin.idle();

  // Shutdown flushes both workers at once (the survivor is deep in its retry back-off).
  gateway.child.kill("SIGTERM");
  expect((await once(gateway.child, "exit"))[0]).toBe(0);
  expect(api.totals("s-crash")).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
}, 60_000); // the waits above follow the workers' retry back-off, which doubles per failure

type Report = { sessionId: string; bytesUp: number; bytesDown: number };

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > ends) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
