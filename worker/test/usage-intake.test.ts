/**
 * The per-gateway usage intakes (src/usage/usage-intake.ts) behind
 * POST /v1/gateway/usage: a batch over many accounts is one call and one
 * stored row; a retried batch counts nothing; the alarm folds what was taken
 * into D1, and a fold D1 refused, or one D1 committed without the intake
 * hearing it, is retried and counts every byte once; GET /v1/usage shows
 * bytes not folded yet, exactly, in every state of a fold; a restarted intake
 * rebuilds what it held; erasure takes the account's sessions out of the
 * intake and no later fold brings them back; fold rows (the batch ids) go
 * after the retry window.
 */
import { createExecutionContext, env, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { REQUEST_COUNTS_HEADER } from "../src/http/request-counts";
import worker from "../src/index";
import { BASE, call, provisionGateway, signedIn } from "./client";

type Gateway = Awaited<ReturnType<typeof provisionGateway>>;
type Report = { sessionId: string; bytesUp: number; bytesDown: number };

async function openSession(gw: Gateway) {
  const s = await signedIn();
  const res = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
  expect(res.status).toBe(201);
  return { ...s, sessionId: res.body.session.id as string };
}

function report(gw: Gateway, batchId: string, reports: Report[]) {
  return call("POST", "/v1/gateway/usage", { body: { batchId, reports }, headers: gw.auth });
}

const intake = (gw: Gateway) => env.USAGE_INTAKE.get(env.USAGE_INTAKE.idFromName(gw.id));

/** The intake's alarm, as Cloudflare would run it: the fold. */
async function fold(gw: Gateway) {
  expect(await runDurableObjectAlarm(intake(gw))).toBe(true);
}

/** Ends the intake's instance: the next call meets a fresh one, which knows only what its rows say. */
async function restart(gw: Gateway) {
  await runInDurableObject(intake(gw), (_o, state) => state.abort()).catch(() => {});
}

const rows = (gw: Gateway, query: string) => runInDurableObject(intake(gw), (_o, state) => state.storage.sql.exec(query).toArray());

async function d1Bytes(sessionId: string) {
  return env.DB.prepare("SELECT bytes_up AS up, bytes_down AS down FROM tunnel_sessions WHERE id = ?")
    .bind(sessionId)
    .first<{ up: number; down: number }>();
}

async function usageOf(token: string) {
  const res = await call("GET", "/v1/usage", { token });
  expect(res.status).toBe(200);
  return res.body;
}

describe("usage intakes", () => {
  it("a batch over several accounts is one lookup, one intake call and one stored row; a retry counts nothing", async () => {
    const gw = await provisionGateway();
    const users = [await openSession(gw), await openSession(gw), await openSession(gw)];
    const batch = {
      batchId: crypto.randomUUID(),
      reports: users.flatMap((u, i) => [
        { sessionId: u.sessionId, bytesUp: i + 1, bytesDown: 10 * (i + 1) },
        { sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 },
      ]),
    };
    const send = async () => {
      const request = new Request(`${BASE}/v1/gateway/usage`, {
        method: "POST",
        headers: { ...gw.auth, "content-type": "application/json", [REQUEST_COUNTS_HEADER]: "1" },
        body: JSON.stringify(batch),
      });
      const ctx = createExecutionContext();
      const response = await worker.fetch(request, { ...env, DEV_REQUEST_COUNTS: "1" }, ctx);
      await waitOnExecutionContext(ctx);
      return { body: await response.json<{ accepted: number }>(), counts: response.headers.get(REQUEST_COUNTS_HEADER) };
    };
    const first = await send();
    // D1: the gateway's secret, then which reported sessions it carries; one object: the intake.
    expect(first).toEqual({ body: { accepted: 6 }, counts: "d1=2, objects=1, imports=0" });
    expect(await rows(gw, "SELECT id FROM batches")).toEqual([{ id: batch.batchId }]);
    expect((await send()).body.accepted).toBe(0);
    expect(await rows(gw, "SELECT COUNT(*) AS n FROM batches")).toEqual([{ n: 1 }]);
    for (const [i, u] of users.entries()) {
      expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: i + 2, bytesDown: 10 * (i + 1) + 1 });
    }
    // Folded, the batch id is still known: the retry window outlives the fold.
    await fold(gw);
    expect((await send()).body.accepted).toBe(0);
    for (const [i, u] of users.entries()) expect(await d1Bytes(u.sessionId)).toEqual({ up: i + 2, down: 10 * (i + 1) + 1 });
  });

  it("concurrent batches over many accounts, each also sent twice at once, lose and double nothing", async () => {
    const gw = await provisionGateway();
    const users = await Promise.all(Array.from({ length: 6 }, () => openSession(gw)));
    const batches = Array.from({ length: 12 }, (_, i) => ({
      batchId: crypto.randomUUID(),
      reports: users.map((u, j) => ({ sessionId: u.sessionId, bytesUp: i + 1, bytesDown: (i + 1) * (j + 1) })),
    }));
    const answers = await Promise.all(batches.flatMap((b) => [report(gw, b.batchId, b.reports), report(gw, b.batchId, b.reports)]));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(answers.reduce((n, r) => n + r.body.accepted, 0)).toBe(12 * users.length);
    const up = (12 * 13) / 2;
    for (const [j, u] of users.entries()) {
      expect((await usageOf(u.token)).totals).toMatchObject({ sessions: 1, bytesUp: up, bytesDown: up * (j + 1) });
    }
    await fold(gw);
    for (const [j, u] of users.entries()) expect(await d1Bytes(u.sessionId)).toEqual({ up, down: up * (j + 1) });
  });

  it("GET /v1/usage shows bytes the intake holds before D1 has them; the fold moves them to D1 and the view stays the same", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 5, bytesDown: 50 }]);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 5, bytesDown: 50 }]);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 0, down: 0 });
    const live = await usageOf(u.token);
    expect(live.sessions[0]).toMatchObject({ id: u.sessionId, bytesUp: 10, bytesDown: 100, endedAt: null });
    expect(live.totals).toEqual({ sessions: 1, bytesUp: 10, bytesDown: 100 });
    const exported = await call("GET", "/v1/me/export", { token: u.token });
    expect(exported.body.sessions[0]).toMatchObject({ bytesUp: 10, bytesDown: 100 });

    await fold(gw);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 10, down: 100 });
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 10, bytesDown: 100 });
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 11, bytesDown: 101 });
    expect((await usageOf(u.token)).sessions[0]).toMatchObject({ bytesUp: 11, bytesDown: 101 });
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 10, down: 100 });
    await fold(gw);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 11, down: 101 });
  });

  it("a fold D1 refused is retried with the same contents, and batches taken meanwhile wait for the next fold", async () => {
    const gw = await provisionGateway();
    const [a, b] = [await openSession(gw), await openSession(gw)];
    await report(gw, crypto.randomUUID(), [
      { sessionId: a.sessionId, bytesUp: 10, bytesDown: 100 },
      { sessionId: b.sessionId, bytesUp: 20, bytesDown: 200 },
    ]);
    // D1 refuses b's row: a real failure inside the fold's D1 batch, which rolls back whole.
    await env.DB.prepare(
      `CREATE TRIGGER refuse_fold BEFORE UPDATE OF usage_fold ON tunnel_sessions WHEN NEW.id = '${b.sessionId}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    ).run();
    try {
      await fold(gw);
      expect(await d1Bytes(a.sessionId)).toEqual({ up: 0, down: 0 });
      const pending = await rows(gw, "SELECT COUNT(*) AS n FROM folds WHERE parts IS NOT NULL");
      expect(pending).toEqual([{ n: 1 }]);
      await report(gw, crypto.randomUUID(), [{ sessionId: a.sessionId, bytesUp: 1, bytesDown: 1 }]);
      // The view counts the fold in flight and what came after it, once each.
      expect((await usageOf(a.token)).totals).toMatchObject({ bytesUp: 11, bytesDown: 101 });
      expect((await usageOf(b.token)).totals).toMatchObject({ bytesUp: 20, bytesDown: 200 });
    } finally {
      await env.DB.prepare("DROP TRIGGER refuse_fold").run();
    }
    await fold(gw); // the same fold, now applied
    expect(await d1Bytes(a.sessionId)).toEqual({ up: 10, down: 100 });
    expect(await d1Bytes(b.sessionId)).toEqual({ up: 20, down: 200 });
    expect((await usageOf(a.token)).totals).toMatchObject({ bytesUp: 11, bytesDown: 101 });
    await fold(gw); // the batch taken meanwhile
    expect(await d1Bytes(a.sessionId)).toEqual({ up: 11, down: 101 });
    expect((await usageOf(a.token)).totals).toMatchObject({ bytesUp: 11, bytesDown: 101 });
  });

  it("a fold D1 committed but the intake never heard of (it failed, then restarted) is retried and counts every byte once", async () => {
    const gw = await provisionGateway();
    const [a, b, c] = [await openSession(gw), await openSession(gw), await openSession(gw)];
    await report(gw, crypto.randomUUID(), [
      { sessionId: a.sessionId, bytesUp: 10, bytesDown: 100 },
      { sessionId: b.sessionId, bytesUp: 20, bytesDown: 200 },
      { sessionId: b.sessionId, bytesUp: 2, bytesDown: 2 },
    ]);
    // The intake cannot record the fold as done: D1 has committed it, the intake still holds it as in flight.
    await runInDurableObject(intake(gw), (_o, state) => {
      state.storage.sql.exec("CREATE TRIGGER refuse BEFORE UPDATE OF parts ON folds BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    });
    await expect(runDurableObjectAlarm(intake(gw))).rejects.toThrow(/injected failure/);
    expect(await d1Bytes(a.sessionId)).toEqual({ up: 10, down: 100 });
    expect(await d1Bytes(b.sessionId)).toEqual({ up: 22, down: 202 });
    // D1 holds the fold; the view does not count it twice.
    expect((await usageOf(b.token)).totals).toMatchObject({ bytesUp: 22, bytesDown: 202 });

    await runInDurableObject(intake(gw), (_o, state) => void state.storage.sql.exec("DROP TRIGGER refuse"));
    await restart(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: c.sessionId, bytesUp: 30, bytesDown: 300 }]);
    await fold(gw); // the fold in flight again, same seq: every session in it is skipped
    expect(await rows(gw, "SELECT COUNT(*) AS n FROM folds WHERE parts IS NOT NULL")).toEqual([{ n: 0 }]);
    expect(await d1Bytes(a.sessionId)).toEqual({ up: 10, down: 100 });
    expect(await d1Bytes(b.sessionId)).toEqual({ up: 22, down: 202 });
    await fold(gw); // what came after it
    expect(await d1Bytes(c.sessionId)).toEqual({ up: 30, down: 300 });
    for (const [u, want] of [
      [a, { bytesUp: 10, bytesDown: 100 }],
      [b, { bytesUp: 22, bytesDown: 202 }],
      [c, { bytesUp: 30, bytesDown: 300 }],
    ] as const) {
      expect((await usageOf(u.token)).totals).toMatchObject(want);
    }
  });

  it("a restarted intake rebuilds what it held from its rows: batch ids, sums, and the fold in flight", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    const batchId = crypto.randomUUID();
    await report(gw, batchId, [{ sessionId: u.sessionId, bytesUp: 3, bytesDown: 30 }]);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 4, bytesDown: 40 }]);
    await restart(gw);
    expect((await usageOf(u.token)).totals).toMatchObject({ bytesUp: 7, bytesDown: 70 });
    expect((await report(gw, batchId, [{ sessionId: u.sessionId, bytesUp: 3, bytesDown: 30 }])).body.accepted).toBe(0);
    await fold(gw);
    await restart(gw);
    expect((await report(gw, batchId, [{ sessionId: u.sessionId, bytesUp: 3, bytesDown: 30 }])).body.accepted).toBe(0);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 7, down: 70 });
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    await restart(gw);
    expect((await usageOf(u.token)).totals).toMatchObject({ bytesUp: 8, bytesDown: 71 });
    await fold(gw);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 8, down: 71 });
  });

  it("a session's last bytes reach D1 at the fold after it ends (by the client, a new session, or signing out); late bytes still count", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 7, bytesDown: 70 }]);
    const ended = await call("POST", `/v1/tunnel/sessions/${u.sessionId}/end`, { token: u.token });
    expect(ended.status).toBe(200);
    expect(ended.body.session).toMatchObject({ bytesUp: 7, bytesDown: 70, endedAt: expect.any(String) });
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 2 }]);
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 8, bytesDown: 72 });
    await fold(gw);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 8, down: 72 });

    // A new session on the same device ends the previous one.
    const second = await call("POST", "/v1/tunnel/sessions", { token: u.token, body: { locationId: gw.id } });
    const secondId = second.body.session.id as string;
    await report(gw, crypto.randomUUID(), [{ sessionId: secondId, bytesUp: 3, bytesDown: 30 }]);
    const third = await call("POST", "/v1/tunnel/sessions", { token: u.token, body: { locationId: gw.id } });
    expect(third.status).toBe(201);
    const thirdId = third.body.session.id as string;
    await report(gw, crypto.randomUUID(), [{ sessionId: thirdId, bytesUp: 9, bytesDown: 90 }]);
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 3, bytesUp: 20, bytesDown: 192 });
    // Signing out ends the third.
    expect((await call("POST", "/v1/auth/logout", { token: u.token })).status).toBe(204);
    await fold(gw);
    expect(await d1Bytes(secondId)).toEqual({ up: 3, down: 30 });
    expect(await d1Bytes(thirdId)).toEqual({ up: 9, down: 90 });
  });

  it("erasure takes the account's sessions out of the intake, and no later fold recreates them", async () => {
    const gw = await provisionGateway();
    const [gone, stays] = [await openSession(gw), await openSession(gw)];
    await report(gw, crypto.randomUUID(), [
      { sessionId: gone.sessionId, bytesUp: 4, bytesDown: 40 },
      { sessionId: stays.sessionId, bytesUp: 5, bytesDown: 50 },
    ]);
    // One fold in flight (D1 refuses it) holding both, and one batch after it.
    await env.DB.prepare(
      "CREATE TRIGGER refuse_fold BEFORE UPDATE OF usage_fold ON tunnel_sessions BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    ).run();
    try {
      await fold(gw);
    } finally {
      await env.DB.prepare("DROP TRIGGER refuse_fold").run();
    }
    await report(gw, crypto.randomUUID(), [{ sessionId: gone.sessionId, bytesUp: 1, bytesDown: 1 }]);
    const dump = async () =>
      JSON.stringify(await rows(gw, "SELECT * FROM batches")) + JSON.stringify(await rows(gw, "SELECT * FROM folds"));
    expect(await dump()).toContain(gone.sessionId); // positive control: the scan reads where it is

    expect((await call("DELETE", "/v1/me", { token: gone.token, body: { authKey: gone.user.cred.authKey } })).status).toBe(204);
    expect(await dump()).not.toContain(gone.sessionId);
    expect(await dump()).toContain(stays.sessionId);
    // A batch looked up before the erasure and taken after it: its fold finds no row to add to.
    await runInDurableObject(intake(gw), (o) => o.take(crypto.randomUUID(), [[gone.sessionId, 1, 1]], Date.now()));
    await fold(gw);
    await fold(gw);
    expect(await d1Bytes(gone.sessionId)).toBeNull();
    expect(await d1Bytes(stays.sessionId)).toEqual({ up: 5, down: 50 });
    expect((await report(gw, crypto.randomUUID(), [{ sessionId: gone.sessionId, bytesUp: 1, bytesDown: 1 }])).body.accepted).toBe(0);
  });

  it("the alarm drops fold rows (and their batch ids) past the retry window, keeps the newest, and stops when nothing is due", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    const oldBatch = crypto.randomUUID();
    await report(gw, oldBatch, [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    await fold(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    await fold(gw);
    const dayAgo = Date.now() - 25 * 60 * 60 * 1000;
    await runInDurableObject(intake(gw), (_o, state) => {
      state.storage.sql.exec("UPDATE folds SET made_at = ?", dayAgo);
    });
    await fold(gw);
    const left = await runInDurableObject(intake(gw), async (_o, state) => ({
      folds: state.storage.sql.exec("SELECT COUNT(*) AS n FROM folds").one().n,
      batches: state.storage.sql.exec("SELECT COUNT(*) AS n FROM batches").one().n,
      alarm: await state.storage.getAlarm(),
    }));
    expect(left).toEqual({ folds: 1, batches: 0, alarm: null });
    // The pruned fold's batch id is forgotten: past the window it would be taken again.
    expect((await report(gw, oldBatch, [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }])).body.accepted).toBe(1);
    await fold(gw);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 3, down: 3 });
    expect((await usageOf(u.token)).totals).toMatchObject({ bytesUp: 3, bytesDown: 3 });
  });
});
