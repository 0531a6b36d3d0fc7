/**
 * Capacity benchmark (`npm run bench -- capacity`): what the API's write
 * paths cost on one local workerd (wrangler dev, local D1), each next to a
 * bare `GET /v1/health` measured the same way in the same run, so the figures
 * read as ratios and survive a slower or busier machine. docs/capacity.md
 * turns them into a plan.
 *
 * - latency, one request at a time: health, a heartbeat, a 1-report and a
 *   500-report usage batch (the contract's maximum), a credential renewal and
 *   a token refresh;
 * - throughput, 4 concurrent loops for a few seconds: health requests and
 *   500-report batches, i.e. usage reports applied per second.
 *
 * Every batch is checked: all 500 reports must be accepted, and at the end the
 * byte totals in D1 and the usage intakes must equal what was sent.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deriveAuthKey, MAX_USAGE_REPORTS_PER_BATCH, newKdfParams } from "@cargo-vpn/shared";
import { ensureDevVars } from "@cargo-vpn/worker/dev/secrets";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { registerGateway } from "@cargo-vpn/stack";
import { storedUsage } from "@cargo-vpn/stack/intake-files";
import { applyMigrations, executeSql, ROOT, startWorker } from "@cargo-vpn/stack/wrangler";

export interface CapacityFigures {
  latency: { name: string; p50: number; mean: number; p99: number; runs: number }[];
  throughput: { name: string; perSecond: number; reportsPerSecond?: number }[];
  reportsPerBatch: number;
}

type Call = () => Promise<void>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(name: string, call: Call, runs: number) {
  for (let i = 0; i < 3; i++) await call(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    name,
    p50: round(percentile(times, 50)),
    mean: round(times.reduce((a, b) => a + b, 0) / runs),
    p99: round(percentile(times, 99)),
    runs,
  };
}

async function throughput(call: Call, seconds: number, loops = 4): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < deadline) {
        await call();
        done++;
      }
    }),
  );
  return done / seconds;
}

async function expectOk(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function runCapacityBench(seconds = 6): Promise<CapacityFigures> {
  const state = await mkdtemp(join(tmpdir(), "cargo-capacity-"));
  await ensureDevVars(join(ROOT, ".dev.vars"));
  const target = { persistTo: state };
  applyMigrations(target);
  const gateway = await registerGateway(target, 9);
  const worker = await startWorker({ port: await freePort(), persistTo: state });
  try {
    const url = worker.url;
    const json = { "content-type": "application/json" };
    const gatewayHeaders = { ...json, authorization: `Bearer ${gateway.secret}` };
    const post = (path: string, body: unknown, headers: Record<string, string> = json) =>
      fetch(url + path, { method: "POST", headers, body: JSON.stringify(body) });

    // One account; the 500 sessions a full batch reports on belong to 500 of its devices.
    const kdf = newKdfParams();
    const authKey = await deriveAuthKey("capacity benchmark", kdf);
    await expectOk(
      await post("/v1/accounts", { username: "capacity", email: "capacity@example.com", authKey, kdf, ageConfirmed: true }),
      "register",
    );
    const deviceId = crypto.randomUUID();
    const signedIn = (await expectOk(
      await post("/v1/auth/login", { username: "capacity", authKey, device: { id: deviceId, kind: "api", label: "bench" } }),
      "sign-in",
    )) as { accessToken: string; refreshToken: string; account: { id: string } };
    await expectOk(await post("/v1/gateway/heartbeat", { activeSessions: 0, load: 0 }, gatewayHeaders), "heartbeat");
    const opened = (await expectOk(
      await fetch(`${url}/v1/tunnel/sessions`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${signedIn.accessToken}` },
        body: JSON.stringify({ locationId: gateway.id }),
      }),
      "start session",
    )) as { session: { id: string } };
    const now = Date.now();
    executeSql(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_USAGE_REPORTS_PER_BATCH})
       INSERT INTO tunnel_sessions (id, account_id, device_id, gateway_id, started_at, last_activity_at)
       SELECT 'bench-' || i, '${signedIn.account.id}', 'bench-device-' || i, '${gateway.id}', ${now}, ${now} FROM n`,
      target,
    );
    const sessionIds = Array.from({ length: MAX_USAGE_REPORTS_PER_BATCH }, (_, i) => `bench-${i + 1}`);

    let sentUp = 0;
    let sentDown = 0;
    const usageBatch =
      (ids: string[]): Call =>
      async () => {
        const reports = ids.map((sessionId) => ({ sessionId, bytesUp: 100, bytesDown: 1000 }));
        const body = (await expectOk(
          await post("/v1/gateway/usage", { batchId: crypto.randomUUID(), reports }, gatewayHeaders),
          "usage",
        )) as {
          accepted: number;
        };
        if (body.accepted !== ids.length) throw new Error(`usage batch: ${body.accepted} of ${ids.length} accepted`);
        sentUp += 100 * ids.length;
        sentDown += 1000 * ids.length;
      };
    const health: Call = async () => void (await expectOk(await fetch(`${url}/v1/health`), "health"));
    const heartbeat: Call = async () =>
      void (await expectOk(await post("/v1/gateway/heartbeat", { activeSessions: 500, load: 0.2 }, gatewayHeaders), "heartbeat"));
    const renew: Call = async () =>
      void (await expectOk(
        await fetch(`${url}/v1/tunnel/sessions/${opened.session.id}/renew`, {
          method: "POST",
          headers: { authorization: `Bearer ${signedIn.accessToken}` },
        }),
        "renew",
      ));
    let refreshToken = signedIn.refreshToken;
    const refresh: Call = async () => {
      const body = (await expectOk(await post("/v1/auth/refresh", { refreshToken }), "refresh")) as { refreshToken: string };
      refreshToken = body.refreshToken;
    };

    const figures: CapacityFigures = { latency: [], throughput: [], reportsPerBatch: MAX_USAGE_REPORTS_PER_BATCH };
    figures.latency.push(await latency("GET /v1/health (baseline)", health, 60));
    figures.latency.push(await latency("POST /v1/gateway/heartbeat", heartbeat, 60));
    figures.latency.push(await latency("POST /v1/gateway/usage, 1 report", usageBatch(sessionIds.slice(0, 1)), 60));
    figures.latency.push(await latency(`POST /v1/gateway/usage, ${MAX_USAGE_REPORTS_PER_BATCH} reports`, usageBatch(sessionIds), 60));
    figures.latency.push(await latency("POST /v1/tunnel/sessions/{id}/renew", renew, 60));
    figures.latency.push(await latency("POST /v1/auth/refresh", refresh, 60));

    figures.throughput.push({ name: "GET /v1/health (baseline)", perSecond: await throughput(health, seconds) });
    const batches = await throughput(usageBatch(sessionIds), seconds);
    figures.throughput.push({
      name: `POST /v1/gateway/usage, ${MAX_USAGE_REPORTS_PER_BATCH} reports`,
      perSecond: batches,
      reportsPerSecond: batches * MAX_USAGE_REPORTS_PER_BATCH,
    });

    // Each session's bytes are in D1 plus, not folded yet, in the gateway's usage intake.
    const totals = { up: 0, down: 0 };
    for (const s of storedUsage(state).values()) {
      totals.up += s.up;
      totals.down += s.down;
    }
    if (totals.up !== sentUp || totals.down !== sentDown) {
      throw new Error(`D1 and the intakes hold ${totals.up}/${totals.down} bytes, ${sentUp}/${sentDown} were reported`);
    }
    return figures;
  } finally {
    await worker.stop();
    await rm(state, { recursive: true, force: true });
  }
}

export function printCapacityFigures(f: CapacityFigures): void {
  const base = f.latency[0]!;
  console.log("\nCapacity on local workerd (wrangler dev, local D1): one request at a time");
  console.table(
    f.latency.map((l) => ({
      route: l.name,
      "p50 ms": l.p50,
      "mean ms": l.mean,
      "p99 ms": l.p99,
      "x baseline (mean)": +(l.mean / base.mean).toFixed(2),
    })),
  );
  const full = f.latency.find((l) => l.name.endsWith(`${f.reportsPerBatch} reports`))!;
  const one = f.latency.find((l) => l.name.endsWith("1 report"))!;
  // Medians: on a shared machine a few slow outliers would swamp a difference of means.
  const perReport = (full.p50 - one.p50) / (f.reportsPerBatch - 1);
  console.log(
    `one usage report inside a full batch (p50): ${perReport.toFixed(3)} ms (${(perReport / base.p50).toFixed(4)} x a health request); ` +
      `a full batch is ${(full.p50 / base.p50).toFixed(2)} x a health request and ${(full.p50 / one.p50).toFixed(2)} x a 1-report batch`,
  );
  const healthRate = f.throughput[0]!.perSecond;
  console.log("\n4 concurrent loops");
  console.table(
    f.throughput.map((t) => ({
      route: t.name,
      "req/s": Math.round(t.perSecond),
      "x baseline req/s": +(t.perSecond / healthRate).toFixed(3),
      "reports/s": t.reportsPerSecond === undefined ? "" : Math.round(t.reportsPerSecond),
    })),
  );
}
