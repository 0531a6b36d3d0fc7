import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterEach, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../gateway-settings";
import { memoryLogger } from "../logger";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { type CliGateway, startCli } from "./cli-process.test-support";
import { createTlsListener } from "../tls/tls-listener";

/** Short enough to see a rotation within the test, long enough for a round of connections under load. */
const ROTATION_MS = 3000;
/** Connections offering one ticket per round: round-robin gives each worker half of them. */
const ROUND = 8;

type Gateway = CliGateway & { tlsPort: number };

let cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setup(): Promise<{ api: FakeApi; origin: Origin; cert: string; certPath: string; keyPath: string }> {
  const api = await startFakeApi();
  const origin = await startOrigin();
  const dir = mkdtempSync(join(tmpdir(), "cargo-cluster-tickets-"));
  cleanup.push(
    () => api.close(),
    () => origin.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const { cert, key } = selfSignedCert();
  writeFileSync(join(dir, "cert.pem"), cert);
  writeFileSync(join(dir, "key.pem"), key);
  return { api, origin, cert, certPath: join(dir, "cert.pem"), keyPath: join(dir, "key.pem") };
}

async function startGateway(
  api: FakeApi,
  files: { certPath: string; keyPath: string },
  env: Record<string, string> = {},
): Promise<Gateway> {
  const gateway = await startCli(
    api,
    { GATEWAY_TLS_PORT: "0", GATEWAY_TLS_CERT: files.certPath, GATEWAY_TLS_KEY: files.keyPath, ...env },
    cleanup,
  );
  if (gateway.tlsPort === undefined) throw new Error(`no TLS listener: ${gateway.stdout()}`);
  return { ...gateway, tlsPort: gateway.tlsPort };
}

/** The gateway's log lines for one event, parsed. */
function events(gateway: Gateway, event: string): Array<Record<string, unknown>> {
  return gateway
    .stderr()
    .split("\n")
    .filter((line) => line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The highest ticket key generation the primary has sent (1 = the first set, never logged by the primary). */
const rotatedTo = (gateway: Gateway) => Math.max(1, ...events(gateway, "tls_ticket_keys_rotated").map((e) => Number(e.generation)));

/** Waits until both workers run on ticket key set `generation` (or a later one), and returns the newest both have. */
async function bothWorkersOn(gateway: Gateway, generation: number): Promise<number> {
  const ends = Date.now() + 4 * ROTATION_MS;
  while (Date.now() < ends) {
    const newest = [1, 2].map((worker) =>
      Math.max(
        0,
        ...events(gateway, "tls_ticket_keys_applied")
          .filter((e) => e.worker === worker)
          .map((e) => Number(e.generation)),
      ),
    );
    if (Math.min(...newest) >= generation) return Math.min(...newest);
    await sleep(20);
  }
  throw new Error(`workers never reached ticket key set ${generation}: ${gateway.stderr()}`);
}

async function tunnelsPerWorker(gateway: Gateway): Promise<number[]> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.adminPort}/metrics`)).text();
  return [1, 2].map((worker) => {
    const line = text.split("\n").find((l) => l.startsWith(`cargo_gateway_worker_flows_opened_total{worker="${worker}"} `));
    if (!line) throw new Error(`no tunnel counter for worker ${worker}`);
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  });
}

interface Connection {
  reused: boolean;
  /** The first ticket the gateway sent on this connection. */
  session?: Buffer;
}

/**
 * A browser's reconnect: a TLS handshake offering `session` when given, then
 * a CONNECT tunnel (so the serving worker counts it), then close.
 */
function connect(port: number, ca: string, auth: string, target: string, session?: Buffer): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca, ...(session ? { session } : {}) });
    let ticket: Buffer | undefined;
    socket.on("session", (received: Buffer) => (ticket ??= received));
    socket.once("secureConnect", () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: ${auth}\r\n\r\n`),
    );
    let head = "";
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      if (!head.startsWith("HTTP/1.1 200")) reject(new Error(`tunnel refused: ${head.split("\r\n")[0]}`));
      // TLS 1.3 tickets come right after the handshake, before the gateway's answer.
      resolve({ reused: socket.isSessionReused(), ...(ticket ? { session: ticket } : {}) });
      socket.destroy();
    });
    socket.on("error", reject);
  });
}

interface Round {
  generation: number;
  /** Ticket from this round's full handshake. */
  session: Buffer;
  /** Whether each of the ROUND connections offering it resumed. */
  reused: boolean[];
  /** Tunnels each worker served for those ROUND connections. */
  served: number[];
  /** The previous round's ticket offered on two connections after the rotation: resumed?, and who served them. */
  old?: { reused: boolean[]; served: number[] };
}

/**
 * One round on ticket key set `generation` or later: optionally offer an old
 * ticket twice, then one full handshake and ROUND connections resuming its
 * ticket. A round a rotation cut through is thrown away and run again on the
 * next set (null when that keeps happening), so no result mixes two sets.
 */
async function round(
  gateway: Gateway,
  ca: string,
  auth: string,
  target: string,
  generation: number,
  oldSession?: Buffer,
): Promise<Round | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const on = await bothWorkersOn(gateway, generation + attempt);
    if (rotatedTo(gateway) !== on) continue;
    let counted = await tunnelsPerWorker(gateway);
    let old: Round["old"];
    if (oldSession) {
      const reused = [];
      for (let i = 0; i < 2; i++) reused.push((await connect(gateway.tlsPort, ca, auth, target, oldSession)).reused);
      const now = await tunnelsPerWorker(gateway);
      old = { reused, served: now.map((n, i) => n - counted[i]!) };
      counted = now;
    }
    const full = await connect(gateway.tlsPort, ca, auth, target);
    expect(full.reused).toBe(false);
    expect(full.session).toBeDefined();
    const afterFull = await tunnelsPerWorker(gateway);
    const reused = [];
    for (let i = 0; i < ROUND; i++) reused.push((await connect(gateway.tlsPort, ca, auth, target, full.session)).reused);
    const served = (await tunnelsPerWorker(gateway)).map((n, i) => n - afterFull[i]!);
    expect(afterFull.reduce((a, b) => a + b) - counted.reduce((a, b) => a + b)).toBe(1);
    await sleep(50);
    if (rotatedTo(gateway) !== on) continue;
    return { generation: on, session: full.session!, reused, served, ...(old ? { old } : {}) };
  }
  return null;
}

it("resumes a ticket on both workers, and after the primary rotates the keys resumes new tickets on both again", async () => {
  const { api, origin, cert, ...files } = await setup();
  const gateway = await startGateway(api, files, { GATEWAY_TLS_TICKET_ROTATION_MS: String(ROTATION_MS) });
  const auth = await api.proxyAuthorization("s-tickets");
  const target = `127.0.0.1:${origin.port}`;

  const first = await round(gateway, cert, auth, target, 1);
  expect(first).not.toBeNull();
  expect(first!.reused).toEqual(Array(ROUND).fill(true));
  // Round-robin: the resumed connections were served by both workers, half each.
  expect(first!.served).toEqual([ROUND / 2, ROUND / 2]);

  const second = await round(gateway, cert, auth, target, first!.generation + 1, first!.session);
  expect(second).not.toBeNull();
  expect(second!.generation).toBeGreaterThan(first!.generation);
  // Both workers took the new keys: neither opens a ticket sealed under the old ones (Node keeps one set).
  expect(second!.old).toEqual({ reused: [false, false], served: [1, 1] });
  expect(second!.reused).toEqual(Array(ROUND).fill(true));
  expect(second!.served).toEqual([ROUND / 2, ROUND / 2]);

  // The keys cross the IPC channel only: never in a log line, under any encoding.
  expect(gateway.stderr()).not.toMatch(/"keys"|ticketKeys/);
  gateway.child.kill("SIGTERM");
  expect((await once(gateway.child, "exit"))[0]).toBe(0);
}, 60_000);

it("gives a worker started in place of a dead one after a rotation the keys in use, so tickets resume on both workers", async () => {
  const { api, origin, cert, ...files } = await setup();
  const gateway = await startGateway(api, files, { GATEWAY_TLS_TICKET_ROTATION_MS: String(ROTATION_MS) });
  const auth = await api.proxyAuthorization("s-replaced");
  const target = `127.0.0.1:${origin.port}`;

  // Node's cluster alone would give the replacement the keys the first worker listened with (set 1):
  // kill one only once both run on a later set, and judge only a round on the set in use when it started.
  let checked: Round | null = null;
  for (let attempt = 0; attempt < 3 && !checked; attempt++) {
    const generation = await bothWorkersOn(gateway, 2 + attempt);
    const workers = readFileSync(`/proc/${gateway.child.pid}/task/${gateway.child.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    expect(workers).toHaveLength(2);
    const exits = events(gateway, "worker_exited").length;
    const taken = events(gateway, "tls_ticket_keys_applied").length;
    process.kill(workers[0]!, "SIGKILL");
    const ends = Date.now() + 15_000;
    // The replacement takes the keys before it listens, then counts as a worker again.
    while (Date.now() < ends && events(gateway, "tls_ticket_keys_applied").length === taken) await sleep(50);
    while (Date.now() < ends) {
      const text = await (await fetch(`http://127.0.0.1:${gateway.adminPort}/metrics`)).text();
      if (events(gateway, "worker_exited").length > exits && text.includes("\ncargo_gateway_workers 2\n")) break;
      await sleep(50);
    }
    const replacement = events(gateway, "tls_ticket_keys_applied").slice(taken);
    expect(replacement.length).toBeGreaterThan(0);
    // A rotation while the replacement started would hand it the new set anyway and prove nothing: go again.
    if (rotatedTo(gateway) !== generation) continue;
    expect(replacement[0]!.generation).toBe(generation);
    const result = await round(gateway, cert, auth, target, generation);
    if (result?.generation === generation) checked = result;
  }
  expect(checked).not.toBeNull();
  expect(checked!.reused).toEqual(Array(ROUND).fill(true));
  expect(checked!.served).toEqual([ROUND / 2, ROUND / 2]);
}, 90_000);

it("resumes a ticket from the TLS port on the http/1.1-only port (GATEWAY_TLS_HTTP1_PORT) on both workers, and back", async () => {
  const { api, origin, cert, ...files } = await setup();
  const gateway = await startGateway(api, files, { GATEWAY_TLS_HTTP1_PORT: "0" });
  const http1Port = gateway.tlsHttp1Port!;
  const auth = await api.proxyAuthorization("s-http1-port");
  const target = `127.0.0.1:${origin.port}`;
  await bothWorkersOn(gateway, 1);

  const fromMain = await connect(gateway.tlsPort, cert, auth, target);
  const fromHttp1 = await connect(http1Port, cert, auth, target);
  expect([fromMain.reused, fromHttp1.reused]).toEqual([false, false]);
  const before = await tunnelsPerWorker(gateway);
  const reused = [];
  for (let i = 0; i < ROUND / 2; i++) {
    reused.push((await connect(http1Port, cert, auth, target, fromMain.session)).reused);
    reused.push((await connect(gateway.tlsPort, cert, auth, target, fromHttp1.session)).reused);
  }
  expect(reused).toEqual(Array(ROUND).fill(true));
  // Each worker served half: the primary's keys are on both listeners in each.
  expect((await tunnelsPerWorker(gateway)).map((n, i) => n - before[i]!)).toEqual([ROUND / 2, ROUND / 2]);
});

it("rotates its own keys on the configured interval in a single process", async () => {
  const { cert, key } = selfSignedCert();
  const listener = createTlsListener({}, { port: 0, cert, key, ticketKeyRotationMs: 1000 }, memoryLogger().logger);
  await new Promise<void>((resolve) => listener.server.listen(0, "127.0.0.1", resolve));
  const port = (listener.server.address() as AddressInfo).port;
  const handshake = (session?: Buffer) =>
    new Promise<Connection>((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: cert, ...(session ? { session } : {}) });
      const done = (result: Connection) => {
        resolve(result);
        socket.destroy();
      };
      // A resumed session needs no new ticket (and gets none); a full handshake's ticket follows it.
      socket.once("secureConnect", () => socket.isSessionReused() && done({ reused: true }));
      socket.once("session", (ticket: Buffer) => done({ reused: socket.isSessionReused(), session: ticket }));
      // Tickets are read like data: a socket nobody reads from never sees one.
      socket.on("data", () => {});
      socket.on("error", reject);
    });
  try {
    const full = await handshake();
    expect((await handshake(full.session)).reused).toBe(true);
    await sleep(1300);
    expect((await handshake(full.session)).reused).toBe(false);
  } finally {
    listener.server.close();
  }
});

it("refuses a ticket key rotation interval out of range, naming the setting", () => {
  const { cert, key } = selfSignedCert();
  const base = { apiUrl: "http://127.0.0.1:1", gatewayId: "g", gatewaySecret: "s" };
  for (const ticketKeyRotationMs of [0, 999, 8 * 86_400_000, 1.5]) {
    expect(() => resolveConfig({ ...base, tls: { port: 0, cert, key, ticketKeyRotationMs } })).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, tls: { port: 0, cert, key, ticketKeyRotationMs } })).toThrow("tls.ticketKeyRotationMs");
  }
  expect(resolveConfig({ ...base, tls: { port: 0, cert, key, ticketKeyRotationMs: 1000 } }).tls?.ticketKeyRotationMs).toBe(1000);
});
