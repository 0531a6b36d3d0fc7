/**
 * A gateway whose heartbeats the API refuses cannot learn which sessions have
 * ended, so after GATEWAY_HEARTBEAT_MISS_LIMIT beats in a row missed it
 * refuses new flows (CONNECT and absolute-URI) with 503 and Retry-After, says
 * so on /healthz and in /metrics, and takes flows again once a beat is
 * accepted. The CLI as operators run it, with its real heartbeat timer, one
 * process and two workers (the primary beats for both), against the fake API
 * told to refuse heartbeats.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { httpOverSocket, openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";
import { type CliGateway, startCli } from "../cluster/cli-process.test-support";
import { configFromEnv, DEFAULTS } from "../gateway-settings";

const HEARTBEAT_MS = 200;
const MISS_LIMIT = 5;

let cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > ends) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const healthz = async (gateway: CliGateway) => {
  const response = await fetch(`http://127.0.0.1:${gateway.adminPort}/healthz`);
  return { status: response.status, text: await response.text() };
};

function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no sample ${name}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}
const metrics = async (gateway: CliGateway) => (await fetch(`http://127.0.0.1:${gateway.adminPort}/metrics`)).text();

async function setup(workers: string): Promise<{ api: FakeApi; origin: Origin; gateway: CliGateway }> {
  const api = await startFakeApi();
  const origin = await startOrigin();
  cleanup.push(
    () => api.close(),
    () => origin.close(),
  );
  const gateway = await startCli(
    api,
    { GATEWAY_WORKERS: workers, GATEWAY_HEARTBEAT_MS: String(HEARTBEAT_MS), GATEWAY_HEARTBEAT_MISS_LIMIT: String(MISS_LIMIT) },
    cleanup,
  );
  return { api, origin, gateway };
}

describe.each([
  ["one process", "1"],
  ["two workers", "2"],
])("refused heartbeats (%s)", (_name, workers) => {
  it("refuse new flows with 503 after the miss limit, say so on /healthz and /metrics, and recover on the next accepted beat", async () => {
    const { api, origin, gateway } = await setup(workers);
    const auth = await api.proxyAuthorization("s-fence");
    const target = `127.0.0.1:${origin.port}`;
    await waitFor(async () => api.heartbeats.length > 0);
    expect(await healthz(gateway)).toEqual({ status: 200, text: "ok\n" });
    // A tunnel opened before the outage keeps working through it.
    const before = await openTunnel({ port: gateway.port, auth, target });
    expect(before.status).toBe(200);

    api.refuseHeartbeats();
    await waitFor(async () => (await healthz(gateway)).status === 503);
    expect(api.refusedHeartbeats).toBeGreaterThanOrEqual(MISS_LIMIT);
    expect(await healthz(gateway)).toEqual({ status: 503, text: "refusing new flows: heartbeats missed\n" });
    let text = await metrics(gateway);
    expect(sample(text, "cargo_gateway_refusing_new_flows")).toBe(1);
    expect(sample(text, "cargo_gateway_heartbeats_missed")).toBeGreaterThanOrEqual(MISS_LIMIT);

    // New flows: every worker refuses them (connections are dealt round-robin, so try several).
    for (let i = 0; i < 4; i++) {
      const refused = await openTunnel({ port: gateway.port, auth, target });
      expect(refused.status).toBe(503);
      expect(refused.head).toMatch(/\r\nRetry-After: 1(\r\n|$)/i);
      expect(refused.body).toContain("cannot reach the Cargo API");
      const forwarded = await proxiedRequest({ port: gateway.port, auth, url: `http://${target}/bytes/10` });
      expect(forwarded.status).toBe(503);
      expect(forwarded.headers["retry-after"]).toBe("1");
      expect(forwarded.body.toString()).toContain("cannot reach the Cargo API");
    }
    expect((await httpOverSocket(before.socket, "GET", "/bytes/1000")).body.length).toBe(1000);
    text = await metrics(gateway);
    expect(text).toMatch(/cargo_gateway_refusals_total\{reason="api_unreachable"\} 8\n/);

    api.acceptHeartbeats();
    await waitFor(async () => (await healthz(gateway)).status === 200);
    text = await metrics(gateway);
    expect(sample(text, "cargo_gateway_refusing_new_flows")).toBe(0);
    expect(sample(text, "cargo_gateway_heartbeats_missed")).toBe(0);
    for (let i = 0; i < 4; i++) {
      const tunnel = await openTunnel({ port: gateway.port, auth, target });
      expect(tunnel.status).toBe(200);
      tunnel.socket.destroy();
    }
    expect(gateway.stderr()).toContain('"heartbeat_missed_refusing_new_flows"');
    expect(gateway.stderr()).toContain('"heartbeat_restored_accepting_new_flows"');
    before.socket.destroy();
  });
});

it("has a worker started in place of a dead one refuse new flows too while heartbeats are missed", async () => {
  const { api, origin, gateway } = await setup("2");
  const auth = await api.proxyAuthorization("s-fence-replaced");
  const target = `127.0.0.1:${origin.port}`;
  await waitFor(async () => api.heartbeats.length > 0);
  api.refuseHeartbeats();
  await waitFor(async () => (await healthz(gateway)).status === 503);
  const pid = gateway.child.pid!;
  const workers = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).map(Number);
  expect(workers).toHaveLength(2);
  process.kill(workers[0]!, "SIGKILL");
  // The replacement is up once the primary logged the exit and counts two workers again.
  await waitFor(async () => gateway.stderr().includes('"worker_exited"') && sample(await metrics(gateway), "cargo_gateway_workers") === 2);
  for (let i = 0; i < 4; i++) expect((await openTunnel({ port: gateway.port, auth, target })).status).toBe(503);
});

it("defaults the miss limit to about two minutes of beats", () => {
  const base = { CARGO_API_URL: "http://127.0.0.1:1", CARGO_GATEWAY_ID: "g", CARGO_GATEWAY_SECRET: "s" };
  expect(DEFAULTS.heartbeatIntervalMs).toBe(5000);
  expect(configFromEnv(base).heartbeatMissLimit).toBe(24);
  expect(configFromEnv({ ...base, GATEWAY_HEARTBEAT_MS: "10000" }).heartbeatMissLimit).toBe(12);
  expect(configFromEnv({ ...base, GATEWAY_HEARTBEAT_MISS_LIMIT: "5" }).heartbeatMissLimit).toBe(5);
  expect(() => configFromEnv({ ...base, GATEWAY_HEARTBEAT_MISS_LIMIT: "0" })).toThrow("heartbeatMissLimit must be an integer from 1");
});
