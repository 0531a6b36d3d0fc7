/**
 * API benchmark: requests per second and p50/p99 latency of GET /v1/me and
 * POST /v1/auth/login against a bare GET /v1/health on the same local workerd
 * (wrangler dev), in one run, so the figures read as ratios to the baseline.
 */
import autocannon from "autocannon";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveAuthKey, newKdfParams, toBase64Url } from "@cargo-vpn/shared";
import { ensureDevVars } from "@cargo-vpn/worker/dev/secrets";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { applyMigrations, ROOT, startWorker } from "@cargo-vpn/stack/wrangler";

interface Figure {
  route: string;
  rps: number;
  p50: number;
  p99: number;
}

async function load(
  url: string,
  init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
  seconds: number,
): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const result = await autocannon({ url, connections: 8, duration: seconds, ...init });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

export async function runApiBench(seconds = 8): Promise<Figure[]> {
  const state = await mkdtemp(join(tmpdir(), "cargo-bench-"));
  await ensureDevVars(join(ROOT, ".dev.vars"));
  applyMigrations({ persistTo: state });
  const worker = await startWorker({ port: await freePort(), persistTo: state });
  try {
    const kdf = newKdfParams();
    const authKey = await deriveAuthKey("benchmark password", kdf);
    const json = { "content-type": "application/json" };
    const registered = await fetch(`${worker.url}/v1/accounts`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ username: "bench", email: "bench@example.com", authKey, kdf, ageConfirmed: true }),
    });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
    // One device signing in again and again: with its secret it keeps its one slot (without it each would be a new device).
    const device = {
      id: crypto.randomUUID(),
      secret: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      kind: "api",
      label: "bench",
    };
    const signInBody = JSON.stringify({ username: "bench", authKey, device });
    const signedIn = await fetch(`${worker.url}/v1/auth/login`, { method: "POST", headers: json, body: signInBody });
    const { accessToken } = (await signedIn.json()) as { accessToken: string };

    // Warm up every route once so no figure pays for first compilation.
    await load(`${worker.url}/v1/health`, {}, 2);
    const figures: Figure[] = [];
    const runs: [string, string, Parameters<typeof load>[1]][] = [
      ["GET /v1/health (baseline)", "/v1/health", {}],
      ["GET /v1/me", "/v1/me", { headers: { authorization: `Bearer ${accessToken}` } }],
      ["POST /v1/auth/login", "/v1/auth/login", { method: "POST", headers: json, body: signInBody }],
    ];
    for (const [route, path, init] of runs) {
      const r = await load(worker.url + path, init, seconds);
      if (r.non2xx > 0) throw new Error(`${route}: ${r.non2xx} non-2xx answers`);
      figures.push({ route, rps: r.rps, p50: r.p50, p99: r.p99 });
    }
    return figures;
  } finally {
    await worker.stop();
    await rm(state, { recursive: true, force: true });
  }
}

export function printApiFigures(figures: Figure[]): void {
  const base = figures[0]!;
  console.log("\nAPI on local workerd (wrangler dev), 8 connections");
  console.table(
    figures.map((f) => ({
      route: f.route,
      "req/s": Math.round(f.rps),
      "x baseline req/s": +(f.rps / base.rps).toFixed(2),
      "p50 ms": f.p50,
      "p99 ms": f.p99,
    })),
  );
}
