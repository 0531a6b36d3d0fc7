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
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveAuthKey, newKdfParams, toBase64Url } from "@cargo-vpn/shared";
import { ensureDevVars } from "@cargo-vpn/worker/dev/secrets";
import { insertGatewaySql, newGateway } from "@cargo-vpn/worker/gateways/provision";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { applyMigrations, executeSql, ROOT, startWorker } from "@cargo-vpn/stack/wrangler";

const CONNECTIONS = 8;
const ROUNDS = 3;
const COUNTED_CALLS = 5;
const COUNTS_HEADER = "x-dev-request-counts";

interface Figure {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  /** Median over the rounds of this route's req/s over the baseline's in the same round. */
  ratio: number;
  /** Server CPU (wrangler and workerd, every thread) per request, median over the rounds; null without /proc. */
  cpuMs: number | null;
  /** Per request, from the worker's counters: "d1=…, objects=…, imports=…". */
  counts: string;
}

type Init = { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string };

async function load(
  url: string,
  init: Init & { requests?: autocannon.Request[] },
  seconds: number,
  serverPid?: number,
): Promise<{ rps: number; p50: number; p99: number; non2xx: number; cpuMsPerRequest: number | null }> {
  const cpuBefore = serverPid === undefined ? null : treeCpuMs(serverPid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, ...init });
  const cpuAfter = serverPid === undefined ? null : treeCpuMs(serverPid);
  const cpuMsPerRequest = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / Math.max(1, result.requests.total);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, cpuMsPerRequest };
}

const json = { "content-type": "application/json" };

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/**
 * CPU milliseconds used so far by a process and all its descendants (wrangler, workerd), from /proc; null
 * where there is none. CPU per request does not move with the machine's other load the way req/s does.
 */
function treeCpuMs(root: number): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const name of entries) {
    try {
      // Fields after the command (which may hold spaces) start at the last ')'.
      const text = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(name), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {}
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === root) return true;
      p = stats.get(p)?.parent ?? 0;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
  return (ticks * 1000) / CLOCK_TICKS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Where the local D1 and Durable Object files live during the run: memory (/dev/shm) where there is one.
 * Every write route ends in a SQLite commit, and on disk each commit waits for an fsync of a disk the
 * machine shares: login's reads then queue behind its neighbours' flushes (on this VM, 50 of its 85 ms),
 * and the figure follows the other jobs' disk traffic instead of the code. Production's D1 and objects
 * do not flush the worker's own disk. BENCH_STATE_DIR picks another place (a disk, to see that cost).
 */
function stateRoot(): string {
  return process.env.BENCH_STATE_DIR || (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
}

export async function runApiBench(seconds = 4): Promise<Figure[]> {
  // wrangler dev streams a trace of every invocation and sub-request (each D1 query, each object call) to a
  // collector worker of its own in the same workerd, for its local dashboard: production runs nothing of the
  // kind in the worker's process, and it charges routes by their sub-requests. Off unless asked for (=true).
  process.env.X_LOCAL_OBSERVABILITY ??= "false";
  const state = await mkdtemp(join(stateRoot(), "cargo-bench-"));
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
    // Each device keeps its secret: signing in again with it keeps its one slot (without it each would be a new device).
    const device = (label: string) => ({
      id: crypto.randomUUID(),
      secret: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      kind: "api",
      label,
    });
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
    // One chain per connection: a device, signed in, and its latest refresh token.
    type Chain = { device: ReturnType<typeof device>; token: string };
    const chains: Chain[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const d = device(`bench refresh ${i}`);
      chains.push({ device: d, token: (await signIn(d)).refreshToken });
    }
    // A request cut off when a load run ends has spent its token without handing on the next one: its
    // device signs in again (its id and secret keep its slot; the new sign-in revokes the old chain).
    const live = new Set(chains);
    const reviveChains = async () => {
      for (const [i, chain] of chains.entries()) {
        if (live.has(chain)) continue;
        chains[i] = { device: chain.device, token: (await signIn(chain.device)).refreshToken };
        live.add(chains[i]!);
      }
    };

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
        const answer = await api("POST", "/v1/auth/refresh", { refreshToken: chains[0]!.token }, undefined, true);
        chains[0]!.token = answer.body.refreshToken as string;
        return answer;
      }),
      login: await countsOf(() => api("POST", "/v1/auth/login", JSON.parse(signInBody), undefined, true)),
    };

    // Each connection takes a chain for its request (kept in autocannon's per-request context) and puts it
    // back with the answer's token; a chain whose answer never came stays out until revived.
    const idle: Chain[] = [];
    const refreshRequests: autocannon.Request[] = [
      {
        method: "POST",
        path: "/v1/auth/refresh",
        headers: json,
        setupRequest: (request, context) => {
          const chain = idle.shift();
          if (!chain) throw new Error("refresh: no chain left for a connection");
          (context as { chain?: Chain }).chain = chain;
          return { ...request, body: JSON.stringify({ refreshToken: chain.token }) };
        },
        onResponse: (status, body, context) => {
          const chain = (context as { chain: Chain }).chain;
          if (status !== 200) return;
          chain.token = (JSON.parse(body) as { refreshToken: string }).refreshToken;
          idle.push(chain);
        },
      },
    ];

    // Warm up so no figure pays for first compilation.
    await load(`${worker.url}/v1/health`, {}, 2);
    const bearer = { authorization: `Bearer ${accessToken}` };
    const runs: {
      route: string;
      path: string;
      init: Init & { requests?: autocannon.Request[] };
      counts: string;
      before?: () => Promise<void>;
    }[] = [
      { route: "GET /v1/health (baseline)", path: "/v1/health", init: {}, counts: counts.health },
      { route: "GET /v1/me", path: "/v1/me", init: { headers: bearer }, counts: counts.me },
      { route: "POST /v1/tunnel/sessions/{id}/renew", path: renewPath, init: { method: "POST", headers: bearer }, counts: counts.renew },
      {
        route: "POST /v1/auth/refresh",
        path: "/v1/auth/refresh",
        init: { requests: refreshRequests },
        counts: counts.refresh,
        before: async () => {
          await reviveChains();
          live.clear();
          idle.splice(0, idle.length, ...chains);
        },
      },
      {
        route: "POST /v1/auth/login",
        path: "/v1/auth/login",
        init: { method: "POST", headers: json, body: signInBody },
        counts: counts.login,
      },
    ];
    // Rounds of every route in turn, each ratio taken against the baseline of its own round: on a shared
    // machine the load around the bench moves, and a route measured minutes after the baseline would carry it.
    const rounds: Awaited<ReturnType<typeof load>>[][] = runs.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, run] of runs.entries()) {
        await run.before?.();
        const r = await load(worker.url + run.path, run.init, seconds, worker.pid);
        if (run.init.requests) for (const chain of idle) live.add(chain);
        if (r.non2xx > 0) throw new Error(`${run.route}: ${r.non2xx} non-2xx answers`);
        rounds[i]!.push(r);
      }
    }
    return runs.map((run, i) => ({
      route: run.route,
      rps: median(rounds[i]!.map((r) => r.rps)),
      p50: median(rounds[i]!.map((r) => r.p50)),
      p99: median(rounds[i]!.map((r) => r.p99)),
      ratio: median(rounds[i]!.map((r, round) => r.rps / rounds[0]![round]!.rps)),
      cpuMs: rounds[i]!.every((r) => r.cpuMsPerRequest !== null) ? median(rounds[i]!.map((r) => r.cpuMsPerRequest!)) : null,
      counts: run.counts,
    }));
  } catch (error) {
    console.error(worker.logs.slice(-30).join("\n"));
    throw error;
  } finally {
    await worker.stop();
    await rm(state, { recursive: true, force: true });
  }
}

export function printApiFigures(figures: Figure[]): void {
  console.log(
    `\nAPI on local workerd (wrangler dev), ${CONNECTIONS} connections, medians of ${ROUNDS} rounds (each ratio against its own round's baseline); per-request counts from DEV_REQUEST_COUNTS`,
  );
  console.log(`local state under ${stateRoot()}; wrangler's local traces ${process.env.X_LOCAL_OBSERVABILITY === "true" ? "on" : "off"}`);
  console.table(
    figures.map((f) => ({
      route: f.route,
      "req/s": Math.round(f.rps),
      "x baseline req/s": +f.ratio.toFixed(2),
      "p50 ms": f.p50,
      "p99 ms": f.p99,
      "server CPU ms/req": f.cpuMs === null ? "n/a" : +f.cpuMs.toFixed(2),
      "per request": f.counts,
    })),
  );
}
