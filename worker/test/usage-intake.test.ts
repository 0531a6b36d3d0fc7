/**
 * The per-account usage ledgers (src/usage/usage-ledger.ts) behind
 * POST /v1/gateway/usage: a batch spanning accounts, one of whose ledgers
 * fails, retried, counts every byte once; concurrent batches lose nothing;
 * GET /v1/usage shows live counters D1 has not received yet; D1 gets a
 * session's totals when it ends and, while it runs, from the ledger's alarm.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, provisionGateway, signedIn } from "./client";

type Gateway = Awaited<ReturnType<typeof provisionGateway>>;

async function openSession(gw: Gateway) {
  const s = await signedIn();
  const res = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
  expect(res.status).toBe(201);
  return { ...s, sessionId: res.body.session.id as string };
}

function report(gw: Gateway, batchId: string, reports: { sessionId: string; bytesUp: number; bytesDown: number }[]) {
  return call("POST", "/v1/gateway/usage", { body: { batchId, reports }, headers: gw.auth });
}

const ledger = (accountId: string) => env.USAGE_LEDGER.get(env.USAGE_LEDGER.idFromName(accountId));

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

describe("usage ledgers", () => {
  it("a batch half applied (one account's ledger failed) and retried counts every byte exactly once", async () => {
    const gw = await provisionGateway();
    const [a, b, c] = [await openSession(gw), await openSession(gw), await openSession(gw)];
    // b's ledger exists (it has seen a batch) and now refuses every batch: a real SQLite failure inside its transaction.
    expect((await report(gw, crypto.randomUUID(), [{ sessionId: b.sessionId, bytesUp: 1, bytesDown: 1 }])).body.accepted).toBe(1);
    await runInDurableObject(ledger(b.user.id), (_o, state) => {
      state.storage.sql.exec("CREATE TRIGGER refuse BEFORE INSERT ON batches BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    });

    const batchId = crypto.randomUUID();
    const reports = [
      { sessionId: a.sessionId, bytesUp: 10, bytesDown: 100 },
      { sessionId: b.sessionId, bytesUp: 20, bytesDown: 200 },
      { sessionId: b.sessionId, bytesUp: 2, bytesDown: 2 },
      { sessionId: c.sessionId, bytesUp: 30, bytesDown: 300 },
    ];
    const failed = await report(gw, batchId, reports);
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe("unavailable");
    expect(failed.headers.get("retry-after")).toBe("5");
    // Half applied: a and c counted, b not.
    expect((await usageOf(a.token)).totals).toMatchObject({ bytesUp: 10, bytesDown: 100 });
    expect((await usageOf(b.token)).totals).toMatchObject({ bytesUp: 1, bytesDown: 1 });

    await runInDurableObject(ledger(b.user.id), (_o, state) => void state.storage.sql.exec("DROP TRIGGER refuse"));
    const retried = await report(gw, batchId, reports);
    expect(retried.status).toBe(200);
    expect(retried.body.accepted).toBe(2); // only b's two reports were new
    const again = await report(gw, batchId, reports);
    expect(again.body.accepted).toBe(0);

    expect((await usageOf(a.token)).totals).toMatchObject({ bytesUp: 10, bytesDown: 100 });
    expect((await usageOf(b.token)).totals).toMatchObject({ bytesUp: 23, bytesDown: 203 });
    expect((await usageOf(c.token)).totals).toMatchObject({ bytesUp: 30, bytesDown: 300 });
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
  });

  it("GET /v1/usage shows live counters from the ledger before D1 has them; the alarm folds them into D1", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 5, bytesDown: 50 }]);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 5, bytesDown: 50 }]);
    // D1 has not been written: the ledger took the batches.
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 0, down: 0 });
    const live = await usageOf(u.token);
    expect(live.sessions[0]).toMatchObject({ id: u.sessionId, bytesUp: 10, bytesDown: 100, endedAt: null });
    expect(live.totals).toEqual({ sessions: 1, bytesUp: 10, bytesDown: 100 });
    const exported = await call("GET", "/v1/me/export", { token: u.token });
    expect(exported.body.sessions[0]).toMatchObject({ bytesUp: 10, bytesDown: 100 });

    // The fold the ledger scheduled for itself.
    expect(await runDurableObjectAlarm(ledger(u.user.id))).toBe(true);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 10, down: 100 });
    // Still open, so the ledger keeps counting and folds again later; the view is unchanged by the fold.
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 10, bytesDown: 100 });
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 11, bytesDown: 101 });
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 10, down: 100 });
  });

  it("a session's totals reach D1 when it ends, by the client or by a new session on the device, and late bytes still count", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 7, bytesDown: 70 }]);
    const ended = await call("POST", `/v1/tunnel/sessions/${u.sessionId}/end`, { token: u.token });
    expect(ended.status).toBe(200);
    expect(ended.body.session).toMatchObject({ bytesUp: 7, bytesDown: 70, endedAt: expect.any(String) });
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 7, down: 70 });

    // Late bytes after the end: counted, live at once, in D1 at the next fold.
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 2 }]);
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 8, bytesDown: 72 });
    await runDurableObjectAlarm(ledger(u.user.id));
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 8, down: 72 });

    // A new session on the same device ends the previous one, whose totals go to D1 then.
    const second = await call("POST", "/v1/tunnel/sessions", { token: u.token, body: { locationId: gw.id } });
    const secondId = second.body.session.id as string;
    await report(gw, crypto.randomUUID(), [{ sessionId: secondId, bytesUp: 3, bytesDown: 30 }]);
    const third = await call("POST", "/v1/tunnel/sessions", { token: u.token, body: { locationId: gw.id } });
    expect(third.status).toBe(201);
    expect(await d1Bytes(secondId)).toEqual({ up: 3, down: 30 });
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 3, bytesUp: 11, bytesDown: 102 });
  });

  it("signing the device out ends its session and sends the totals to D1", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 9, bytesDown: 90 }]);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 0, down: 0 });
    expect((await call("POST", "/v1/auth/logout", { token: u.token })).status).toBe(204);
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 9, down: 90 });
  });

  it("a session the ledger forgot after it ended starts again from D1's totals when late bytes come", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 4, bytesDown: 40 }]);
    await call("POST", `/v1/tunnel/sessions/${u.sessionId}/end`, { token: u.token });
    // Ended long ago: the alarm forgets it.
    await env.DB.prepare("UPDATE tunnel_sessions SET ended_at = ? WHERE id = ?")
      .bind(Date.now() - 60 * 60 * 1000, u.sessionId)
      .run();
    await runDurableObjectAlarm(ledger(u.user.id));
    const rows = await runInDurableObject(ledger(u.user.id), (_o, state) => state.storage.sql.exec("SELECT id FROM sessions").toArray());
    expect(rows).toEqual([]);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    expect((await usageOf(u.token)).totals).toEqual({ sessions: 1, bytesUp: 5, bytesDown: 41 });
    await runDurableObjectAlarm(ledger(u.user.id));
    expect(await d1Bytes(u.sessionId)).toEqual({ up: 5, down: 41 });
  });

  it("the alarm forgets batch ids past the retry window, and stops once nothing is left", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    const oldBatch = crypto.randomUUID();
    await report(gw, oldBatch, [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }]);
    await runInDurableObject(ledger(u.user.id), (_o, state) => {
      state.storage.sql.exec("UPDATE batches SET applied_at = ? WHERE batch_id = ?", Date.now() - 25 * 60 * 60 * 1000, oldBatch);
    });
    await call("POST", `/v1/tunnel/sessions/${u.sessionId}/end`, { token: u.token });
    await env.DB.prepare("UPDATE tunnel_sessions SET ended_at = ? WHERE id = ?")
      .bind(Date.now() - 60 * 60 * 1000, u.sessionId)
      .run();
    await runDurableObjectAlarm(ledger(u.user.id));
    const left = await runInDurableObject(ledger(u.user.id), async (_o, state) => ({
      batches: state.storage.sql.exec("SELECT COUNT(*) AS n FROM batches").one().n,
      sessions: state.storage.sql.exec("SELECT COUNT(*) AS n FROM sessions").one().n,
      alarm: await state.storage.getAlarm(),
    }));
    // The recent batch id stays for its window; the alarm comes back when it is due.
    expect(left).toMatchObject({ batches: 1, sessions: 0, alarm: expect.any(Number) });
    expect(left.alarm!).toBeGreaterThan(Date.now() + 23 * 60 * 60 * 1000);
  });

  it("erasure deletes the account's ledger", async () => {
    const gw = await provisionGateway();
    const u = await openSession(gw);
    await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 4, bytesDown: 40 }]);
    const before = await runInDurableObject(ledger(u.user.id), (_o, state) => state.storage.sql.exec("SELECT id FROM sessions").toArray());
    expect(before).toEqual([{ id: u.sessionId }]);
    expect((await call("DELETE", "/v1/me", { token: u.token, body: { authKey: u.user.cred.authKey } })).status).toBe(204);
    const after = await runInDurableObject(ledger(u.user.id), async (_o, state) => ({
      tables: state.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\'")
        .toArray(),
      alarm: await state.storage.getAlarm(),
    }));
    expect(after).toEqual({ tables: [], alarm: null });
    // Late usage for the erased session finds no session and recreates nothing.
    expect((await report(gw, crypto.randomUUID(), [{ sessionId: u.sessionId, bytesUp: 1, bytesDown: 1 }])).body.accepted).toBe(0);
    const still = await runInDurableObject(ledger(u.user.id), (_o, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\'").toArray(),
    );
    expect(still).toEqual([]);
  });
});
