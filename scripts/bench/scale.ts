/**
 * Scale benchmark (`npm run bench -- scale`): the usage path at 10,000
 * accounts on one local workerd (wrangler dev, local D1 and Durable Objects).
 *
 * 10,000 accounts, each with one open session, are seeded straight into D1
 * (registration is throttled per client, and what is measured is usage, not
 * sign-up), spread over 10 simulated gateways of 1,000 sessions. Each gateway
 * flushes every 5 s, as the real one does: the deltas of the sessions that
 * moved bytes in that window (a share `activity` of them, chosen at random;
 * an idle tunnel sends no report; 1 = every session in every window, the
 * upper bound) in batches of up to 500 sent one after the other, a failed
 * batch retried with the same batchId. Meanwhile `GET /v1/health` is probed
 * on the same workerd.
 *
 * Each batch is one D1 read and one call to the gateway's usage intake
 * (worker/src/usage/usage-intake.ts), which stores it as one row; the
 * intakes fold into D1 on their alarms. It prints, from the worker's own
 * counters (USAGE_METER_LOG: D1's meta.rows_written, the intakes' SQLite
 * rowsWritten, calls and alarms): D1 rows written and Durable Object requests
 * per connected user-hour, batch latency p50/p99 against health, and whether
 * every byte sent is counted (D1 plus the intakes) at the end, exactly. The
 * fold interval is shortened (60 s) so a run of a few minutes sees folds;
 * rows per fold are then scaled to the default.
 *
 *   npm run bench -- scale [seconds=180] [accounts=10000] [activity=1] [state=shm|disk]
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDevVars } from "@cargo-vpn/worker/dev/secrets";
import { insertGatewaySql, newGateway } from "@cargo-vpn/worker/gateways/provision";
import { DEFAULT_USAGE_FOLD_SECONDS } from "@cargo-vpn/worker/constants";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { storedUsage } from "@cargo-vpn/stack/intake-files";
import { applyMigrations, executeSql, ROOT, startWorker } from "@cargo-vpn/stack/wrangler";

const FLUSH_MS = 5000;
const PER_GATEWAY = 1000;
const PER_BATCH = 500;
const BENCH_FOLD_SECONDS = 60;

export interface ScaleFigures {
  accounts: number;
  activity: number;
  reports: number;
  seconds: number;
  userHours: number;
  flushes: number;
  lateFlushes: number;
  batches: number;
  retries: number;
  counters: Record<string, number>;
  batchMs: { p50: number; p99: number; max: number };
  healthIdleMs: { p50: number; p99: number };
  healthLoadedMs: { p50: number; p99: number };
  exact: boolean;
  sent: { up: number; down: number };
  stored: { up: number; down: number };
  sessionsWrong: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (ms: number) => Math.round(ms * 10) / 10;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) };
};

async function seed(target: { persistTo: string }, accounts: number) {
  const gateways = await Promise.all(
    Array.from({ length: Math.ceil(accounts / PER_GATEWAY) }, (_, g) =>
      newGateway({ name: `Scale ${g}`, country: "DE", scheme: "http", host: "127.0.0.1", port: 9000 + g }),
    ),
  );
  const now = Date.now();
  const gatewayCase = gateways.map((g, i) => `WHEN ${i} THEN '${g.record.id}'`).join(" ");
  executeSql(
    `${gateways.map((g) => insertGatewaySql(g.record)).join("\n")}
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${accounts - 1})
     INSERT INTO accounts (id, username_index, email_index, username_ciphertext, email_ciphertext, wrapped_key,
                           kdf_salt, kdf_iterations, auth_verifier, created_at)
     SELECT 'scale-a-' || i, 'scale-u-' || i, 'scale-e-' || i, 'x', 'x', 'x', 'x', 600000, 'x', ${now} FROM n;
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${accounts - 1})
     INSERT INTO tunnel_sessions (id, account_id, device_id, gateway_id, started_at, last_activity_at)
     SELECT 'scale-s-' || i, 'scale-a-' || i, 'scale-d-' || i, CASE i / ${PER_GATEWAY} ${gatewayCase} END, ${now}, ${now} FROM n;`,
    target,
  );
  return gateways.map((g, i) => ({
    id: g.record.id!,
    secret: g.secret,
    sessions: Array.from({ length: Math.min(PER_GATEWAY, accounts - i * PER_GATEWAY) }, (_, j) => `scale-s-${i * PER_GATEWAY + j}`),
  }));
}

function meterTotals(lines: string[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) {
    const at = line.indexOf('{"event":"usage_meter"');
    if (at < 0) continue;
    const { event: _event, ...counts } = JSON.parse(line.slice(at)) as Record<string, number | string>;
    for (const [name, n] of Object.entries(counts)) totals[name] = (totals[name] ?? 0) + Number(n);
  }
  return totals;
}

export async function runScaleBench(seconds = 180, accounts = 10_000, activity = 1, where: "shm" | "disk" = "disk"): Promise<ScaleFigures> {
  // On disk by default (ten intakes are ten SQLite files); `shm` puts the state in memory, to take a shared
  // machine's disk out of the figures.
  const state = await mkdtemp(join(where === "shm" && existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "cargo-scale-"));
  await ensureDevVars(join(ROOT, ".dev.vars"));
  const target = { persistTo: state };
  applyMigrations(target);
  const gateways = await seed(target, accounts);
  const worker = await startWorker({
    port: await freePort(),
    persistTo: state,
    vars: { USAGE_METER_LOG: "1", USAGE_FOLD_SECONDS: String(BENCH_FOLD_SECONDS) },
  });
  try {
    const health = async () => {
      const start = performance.now();
      const res = await fetch(`${worker.url}/v1/health`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`health: ${res.status}`);
      return performance.now() - start;
    };
    for (let i = 0; i < 5; i++) await health();
    const healthIdle: number[] = [];
    for (let i = 0; i < 40; i++) healthIdle.push(await health());

    const sent = new Map<string, { up: number; down: number }>();
    const batchTimes: number[] = [];
    let flushes = 0;
    let lateFlushes = 0;
    let retries = 0;
    let reportsSent = 0;
    const logsFrom = worker.logs.length;
    const startedAt = performance.now();
    const endsAt = startedAt + seconds * 1000;

    const post = async (gw: (typeof gateways)[number], batchId: string, reports: unknown[]) => {
      for (let attempt = 0; ; attempt++) {
        const start = performance.now();
        let failure: string;
        try {
          const res = await fetch(`${worker.url}/v1/gateway/usage`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${gw.secret}` },
            body: JSON.stringify({ batchId, reports }),
          });
          const body = await res.text();
          batchTimes.push(performance.now() - start);
          if (res.ok) return JSON.parse(body) as { accepted: number };
          failure = `${res.status} ${body}`;
        } catch (error) {
          // As the gateway does: the same batch again (the API may or may not have applied it).
          failure = String(error);
        }
        if (attempt >= 20) throw new Error(`usage batch failed ${attempt + 1} times: ${failure}`);
        retries++;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    };

    const gatewayLoop = async (gw: (typeof gateways)[number], offsetMs: number) => {
      let next = startedAt + offsetMs;
      while (next < endsAt) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -FLUSH_MS) lateFlushes++;
        flushes++;
        const active = gw.sessions.filter(() => Math.random() < activity);
        reportsSent += active.length;
        for (let from = 0; from < active.length; from += PER_BATCH) {
          const reports = active.slice(from, from + PER_BATCH).map((sessionId) => {
            const up = 100 + Math.floor(Math.random() * 1000);
            const down = 1000 + Math.floor(Math.random() * 100_000);
            const total = sent.get(sessionId) ?? { up: 0, down: 0 };
            total.up += up;
            total.down += down;
            sent.set(sessionId, total);
            return { sessionId, bytesUp: up, bytesDown: down };
          });
          const answer = await post(gw, crypto.randomUUID(), reports);
          if (answer.accepted !== reports.length && retries === 0) {
            throw new Error(`usage batch: ${answer.accepted} of ${reports.length} accepted`);
          }
        }
        next += FLUSH_MS;
      }
    };

    const healthLoaded: number[] = [];
    const prober = (async () => {
      while (performance.now() < endsAt) {
        healthLoaded.push(await health());
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await Promise.all([...gateways.map((gw, i) => gatewayLoop(gw, (i * FLUSH_MS) / gateways.length)), prober]);
    const elapsed = (performance.now() - startedAt) / 1000;
    // The meter logs at most every 2 s: let the last lines of the window arrive.
    await new Promise((r) => setTimeout(r, 2500));
    const counters = meterTotals(worker.logs.slice(logsFrom));

    // Exact totals: every session's bytes are in D1 plus, not folded yet, in its gateway's intake, read
    // once the worker has stopped, so no alarm writes while the files are read.
    await worker.stop();
    const stored = { up: 0, down: 0 };
    let sessionsWrong = 0;
    for (const [id, { up, down }] of storedUsage(state)) {
      stored.up += up;
      stored.down += down;
      const want = sent.get(id) ?? { up: 0, down: 0 };
      if (want.up !== up || want.down !== down) sessionsWrong++;
    }
    const total = { up: 0, down: 0 };
    for (const s of sent.values()) {
      total.up += s.up;
      total.down += s.down;
    }
    return {
      accounts,
      activity,
      reports: reportsSent,
      seconds: Math.round(elapsed),
      userHours: (accounts * elapsed) / 3600,
      flushes,
      lateFlushes,
      batches: batchTimes.length,
      retries,
      counters,
      batchMs: stats(batchTimes),
      healthIdleMs: stats(healthIdle),
      healthLoadedMs: stats(healthLoaded),
      exact: sessionsWrong === 0 && stored.up === total.up && stored.down === total.down,
      sent: total,
      stored,
      sessionsWrong,
    };
  } finally {
    await worker.stop();
    await rm(state, { recursive: true, force: true });
  }
}

export function printScaleFigures(f: ScaleFigures, where: string): void {
  const c = (name: string) => f.counters[name] ?? 0;
  const perUserHour = (n: number) => +(n / f.userHours).toFixed(2);
  // Folds happened every BENCH_FOLD_SECONDS; at the default interval there are that many times fewer.
  const foldScale = BENCH_FOLD_SECONDS / DEFAULT_USAGE_FOLD_SECONDS;
  // Every session active in every window: this many reports a connected user-hour.
  const fullReports = 3600_000 / FLUSH_MS;
  const reportsPerUserHour = f.reports / f.userHours;
  // Batches and their rows grow with reports; a run below full activity is scaled up to it.
  const toFull = fullReports / Math.max(1e-9, reportsPerUserHour);
  const d1FoldRows = c("foldD1RowsWritten");
  const d1BatchRows = c("batchD1RowsWritten");
  const folds = c("folds");
  // Intake rows: one per batch taken, one per batch deleted at its fold, a few per fold (the fold row).
  const intakeRows = c("intakeDoRowsWritten");
  const intakeRequests = c("intakeCalls") + c("intakeAlarms");
  console.log(
    `\nUsage at scale on one local workerd (state ${where}): ${f.accounts} accounts with an open session, ${Math.ceil(f.accounts / PER_GATEWAY)} gateways flushing every ${FLUSH_MS / 1000} s, ${Math.round(f.activity * 100)} % of sessions moving bytes in each window, ${f.seconds} s (${f.userHours.toFixed(1)} connected user-hours, ${f.reports} reports)`,
  );
  console.table({
    "flushes (late by more than one interval)": `${f.flushes} (${f.lateFlushes})`,
    "usage batches (retried)": `${f.batches} (${f.retries})`,
    "reports per connected user-hour": +reportsPerUserHour.toFixed(1),
    "D1 queries on the usage path (batch lookups, fold statements)": `${c("batchD1Queries")}, ${c("foldD1Queries")}`,
    "D1 rows written per usage batch (its lookup)": +(d1BatchRows / Math.max(1, c("batches"))).toFixed(2),
    "intake folds (sessions folded)": `${folds} (${c("foldSessions")})`,
    "D1 rows written per session per fold": +(d1FoldRows / Math.max(1, c("foldSessions"))).toFixed(2),
    [`D1 rows written / user-hour, measured (folds every ${BENCH_FOLD_SECONDS} s)`]: perUserHour(d1BatchRows + d1FoldRows),
    [`D1 rows written / user-hour, folds every ${DEFAULT_USAGE_FOLD_SECONDS} s (default)`]: perUserHour(
      d1BatchRows + d1FoldRows * foldScale,
    ),
    "Durable Object requests / user-hour, measured (intake calls + alarms)": perUserHour(intakeRequests),
    "Durable Object requests / user-hour, every session active, default folds": +(
      perUserHour(c("intakeCalls")) * toFull +
      perUserHour(c("intakeAlarms")) * foldScale
    ).toFixed(3),
    "intake SQLite rows written / user-hour, measured": perUserHour(intakeRows),
    "intake SQLite rows written / user-hour, every session active": +(perUserHour(intakeRows) * toFull).toFixed(2),
    "usage batch p50 / p99 / max ms": `${f.batchMs.p50} / ${f.batchMs.p99} / ${f.batchMs.max}`,
    "GET /v1/health p50 / p99 ms, idle": `${f.healthIdleMs.p50} / ${f.healthIdleMs.p99}`,
    "GET /v1/health p50 / p99 ms, under the load": `${f.healthLoadedMs.p50} / ${f.healthLoadedMs.p99}`,
    "batch p50 / p99 × idle health p50": `${(f.batchMs.p50 / f.healthIdleMs.p50).toFixed(1)} / ${(f.batchMs.p99 / f.healthIdleMs.p50).toFixed(1)}`,
    "batch p50 / p99 × loaded health p50": `${(f.batchMs.p50 / f.healthLoadedMs.p50).toFixed(1)} / ${(f.batchMs.p99 / f.healthLoadedMs.p50).toFixed(1)}`,
    "totals exact (D1 + intakes = sent, every session)": f.exact ? "yes" : `NO: ${f.sessionsWrong} sessions differ`,
    "bytes sent up / down": `${f.sent.up} / ${f.sent.down}`,
  });
}
