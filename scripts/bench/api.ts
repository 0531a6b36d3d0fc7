/**
 * API benchmark: requests per second and p50/p99 latency of the hot routes
 * (GET /v1/me, POST /v1/tunnel/sessions/{id}/renew, POST /v1/auth/refresh,
 * POST /v1/auth/login) against a bare GET /v1/health on the same local
 * workerd (wrangler dev), 8 connections, in one run, so the figures read as
 * ratios to the baseline.
 *
 * Before the load, each route is called alone a few times with the worker's
 * cost counters asked for (DEV_REQUEST_COUNTS, worker/src/http/request-counts.ts):
 * D1 round trips, Durable Object calls and key imports per request. The load
 * itself does not ask, so it pays nothing for them.
 *
 * Refresh tokens are single-use, so each connection carries its own chain:
 * every answer's refresh token is the next request's, one sign-in (device)
 * per connection, on an account moved to the Team plan for the room.
 */
import autocannon from "autocannon";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveAuthKey, newKdfParams } from "@cargo-vpn/shared";
import { ensureDevVars } from "@cargo-vpn/worker/dev/secrets";
import { insertGatewaySql, newGateway } from "@cargo-vpn/worker/gateways/provision";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { applyMigrations, executeSql, ROOT, startWorker } from "@cargo-vpn/stack/wrangler";

const CONNECTIONS = 8;
const COUNTED_CALLS = 5;
const COUNTS_HEADER = "x-dev-request-counts";

interface Figure {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  /** Per request, from the worker's counters: "d1=…, objects=…, imports=…". */
  counts: string;
}

type Init = { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string };

async function load(
  url: string,
  init: Init & { requests?: autocannon.Request[] },
  seconds: number,
): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, ...init });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

const json = { "content-type": "application/json" };

export async function runApiBench(seconds = 8): Promise<Figure[]> {
  const state = await mkdtemp(join(tmpdir(), "cargo-bench-"));
  await ensureDevVars(join(ROOT, ".dev.vars"));
  applyMigrations({ persistTo: state });
  const gateway = await newGateway({ name: "Bench 1", country: "DE", scheme: "http", host: "127.0.0.1", port: 9000 });
  executeSql(insertGatewaySql(gateway.record), { persistTo: state });
  const worker = await startWorker({ port: await freePort(), persistTo: state, vars: { DEV_REQUEST_COUNTS: "1" } });
  try {
    const api = async (method: "GET" | "POST", path: string, body?: unknown, token?: string, counted = false) => {
      const headers: Record<string, string> = { ...(body === undefined ? {} : json) };
      if (token) headers.authorization = `Bearer ${token}`;
      if (counted) headers[COUNTS_HEADER] = "1";
      const res = await fetch(worker.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return { body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, counts: res.headers.get(COUNTS_HEADER) };
    };
    const kdf = newKdfParams();
    const authKey = await deriveAuthKey("benchmark password", kdf);
    await api("POST", "/v1/accounts", { username: "bench", email: "bench@example.com", authKey, kdf, ageConfirmed: true });
    // Room for the devices below: one for /v1/me and renew, one for login, one per refresh chain.
    executeSql(`UPDATE accounts SET plan_id = 'team'`, { persistTo: state });
    const device = (label: string) => ({ id: crypto.randomUUID(), kind: "api", label });
    const signIn = async (d: ReturnType<typeof device>) =>
      (await api("POST", "/v1/auth/login", { username: "bench", authKey, device: d })).body as {
        accessToken: string;
        refreshToken: string;
      };
    const { accessToken } = await signIn(device("bench"));
    await api("POST", "/v1/gateway/heartbeat", { activeSessions: 0, load: 0 }, gateway.secret);
    const opened = await api("POST", "/v1/tunnel/sessions", { locationId: gateway.record.id }, accessToken);
    const renewPath = `/v1/tunnel/sessions/${(opened.body.session as { id: string }).id}/renew`;
    const signInBody = JSON.stringify({ username: "bench", authKey, device: device("bench login") });
    const chains: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) chains.push((await signIn(device(`bench refresh ${i}`))).refreshToken);

    // Per-request costs, one request at a time (the counters are per isolate).
    const countsOf = async (call: () => Promise<{ counts: string | null }>) => {
      const seen = new Set<string>();
      for (let i = 0; i < COUNTED_CALLS; i++) seen.add((await call()).counts ?? "not counted (DEV_REQUEST_COUNTS off?)");
      return [...seen].join(" / ");
    };
    const counts = {
      health: await countsOf(() => api("GET", "/v1/health", undefined, undefined, true)),
      me: await countsOf(() => api("GET", "/v1/me", undefined, accessToken, true)),
      renew: await countsOf(() => api("POST", renewPath, undefined, accessToken, true)),
      refresh: await countsOf(async () => {
        // The first chain's token, handed back for the load below.
        const answer = await api("POST", "/v1/auth/refresh", { refreshToken: chains[0] }, undefined, true);
        chains[0] = answer.body.refreshToken as string;
        return answer;
      }),
      login: await countsOf(() => api("POST", "/v1/auth/login", JSON.parse(signInBody), undefined, true)),
    };

    // Each connection takes a chain's token for its request and puts the answer's token back.
    const refreshRequests: autocannon.Request[] = [
      {
        method: "POST",
        path: "/v1/auth/refresh",
        headers: json,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ refreshToken: chains.shift() }) }),
        onResponse: (status, body) => {
          if (status === 200) chains.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
        },
      },
    ];

    // Warm up every route once so no figure pays for first compilation.
    await load(`${worker.url}/v1/health`, {}, 2);
    const figures: Figure[] = [];
    const bearer = { authorization: `Bearer ${accessToken}` };
    const runs: [string, string, Init & { requests?: autocannon.Request[] }, string][] = [
      ["GET /v1/health (baseline)", "/v1/health", {}, counts.health],
      ["GET /v1/me", "/v1/me", { headers: bearer }, counts.me],
      ["POST /v1/tunnel/sessions/{id}/renew", renewPath, { method: "POST", headers: bearer }, counts.renew],
      ["POST /v1/auth/refresh", "/v1/auth/refresh", { requests: refreshRequests }, counts.refresh],
      ["POST /v1/auth/login", "/v1/auth/login", { method: "POST", headers: json, body: signInBody }, counts.login],
    ];
    for (const [route, path, init, perRequest] of runs) {
      const r = await load(worker.url + path, init, seconds);
      if (r.non2xx > 0) throw new Error(`${route}: ${r.non2xx} non-2xx answers`);
      figures.push({ route, rps: r.rps, p50: r.p50, p99: r.p99, counts: perRequest });
    }
    return figures;
  } catch (error) {
    console.error(worker.logs.slice(-30).join("\n"));
    throw error;
  } finally {
    await worker.stop();
    await rm(state, { recursive: true, force: true });
  }
}

export function printApiFigures(figures: Figure[]): void {
  const base = figures[0]!;
  console.log(`\nAPI on local workerd (wrangler dev), ${CONNECTIONS} connections; per-request counts from DEV_REQUEST_COUNTS`);
  console.table(
    figures.map((f) => ({
      route: f.route,
      "req/s": Math.round(f.rps),
      "x baseline req/s": +(f.rps / base.rps).toFixed(2),
      "p50 ms": f.p50,
      "p99 ms": f.p99,
      "per request": f.counts,
    })),
  );
}
