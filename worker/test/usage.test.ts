import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { call, provisionGateway, signedIn } from "./client";

async function open() {
  const gw = await provisionGateway();
  const s = await signedIn();
  const res = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
  return { gw, s, sessionId: res.body.session.id as string };
}

function report(gw: { auth: Record<string, string> }, batchId: string, reports: unknown[]) {
  return call("POST", "/v1/gateway/usage", { body: { batchId, reports }, headers: gw.auth });
}

describe("gateway usage batches", () => {
  it("adds deltas to the session and counts a retried batch once", async () => {
    const { gw, s, sessionId } = await open();
    const batchId = crypto.randomUUID();
    const first = await report(gw, batchId, [{ sessionId, bytesUp: 100, bytesDown: 5000 }]);
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(1);
    const retry = await report(gw, batchId, [{ sessionId, bytesUp: 100, bytesDown: 5000 }]);
    expect(retry.status).toBe(200);
    expect(retry.body.accepted).toBe(0);
    await report(gw, crypto.randomUUID(), [{ sessionId, bytesUp: 1, bytesDown: 2 }]);
    const usage = await call("GET", "/v1/usage", { token: s.token });
    expect(usage.body.sessions[0]).toMatchObject({ id: sessionId, bytesUp: 101, bytesDown: 5002 });
    expect(usage.body.totals).toEqual({ sessions: 1, bytesUp: 101, bytesDown: 5002 });
  });

  it("concurrent duplicates of one batch still count once", async () => {
    const { gw, s, sessionId } = await open();
    const batchId = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => report(gw, batchId, [{ sessionId, bytesUp: 7, bytesDown: 11 }])));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(1);
    const usage = await call("GET", "/v1/usage", { token: s.token });
    expect(usage.body.sessions[0]).toMatchObject({ bytesUp: 7, bytesDown: 11 });
  });

  it("counts late bytes of ended sessions, ignores unknown sessions and other gateways' sessions", async () => {
    const { gw, s, sessionId } = await open();
    await call("POST", `/v1/tunnel/sessions/${sessionId}/end`, { token: s.token });
    const other = await provisionGateway();
    const res = await report(gw, crypto.randomUUID(), [
      { sessionId, bytesUp: 10, bytesDown: 20 },
      { sessionId: "no-such-session", bytesUp: 1, bytesDown: 1 },
    ]);
    expect(res.body.accepted).toBe(1);
    const foreign = await report(other, crypto.randomUUID(), [{ sessionId, bytesUp: 999, bytesDown: 999 }]);
    expect(foreign.body.accepted).toBe(0);
    const usage = await call("GET", "/v1/usage", { token: s.token });
    expect(usage.body.sessions[0]).toMatchObject({ bytesUp: 10, bytesDown: 20, endedAt: expect.any(String) });
  });

  it("a large batch applies in one go", async () => {
    const { gw, s, sessionId } = await open();
    const reports = Array.from({ length: 500 }, () => ({ sessionId, bytesUp: 1, bytesDown: 2 }));
    const res = await report(gw, crypto.randomUUID(), reports);
    expect(res.body.accepted).toBe(500);
    expect((await call("GET", "/v1/usage", { token: s.token })).body.totals).toMatchObject({ bytesUp: 500, bytesDown: 1000 });
  });

  it("refuses a wrong gateway secret, user tokens, and bad batches", async () => {
    const { gw, s, sessionId } = await open();
    const body = { batchId: crypto.randomUUID(), reports: [{ sessionId, bytesUp: 1, bytesDown: 1 }] };
    expect((await call("POST", "/v1/gateway/usage", { body, headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await call("POST", "/v1/gateway/usage", { body, token: s.token })).status).toBe(401);
    expect((await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 0, load: 0 } })).status).toBe(401);
    for (const bad of [
      { ...body, batchId: "not-a-uuid" },
      { ...body, reports: [{ sessionId, bytesUp: -5, bytesDown: 1 }] },
      { ...body, reports: [{ sessionId, bytesUp: 1.5, bytesDown: 1 }] },
      { ...body, reports: Array.from({ length: 501 }, () => ({ sessionId: "s", bytesUp: 1, bytesDown: 1 })) },
    ]) {
      const res = await call("POST", "/v1/gateway/usage", { body: bad, headers: gw.auth });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
    expect((await call("GET", "/v1/usage", { token: s.token })).body.totals.bytesUp).toBe(0);
  });
});

describe("usage history", () => {
  it("pages newest first with a cursor and totals over everything", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
      ids.push(res.body.session.id);
      await report(gw, crypto.randomUUID(), [{ sessionId: res.body.session.id, bytesUp: i, bytesDown: 10 * i }]);
      await new Promise((r) => setTimeout(r, 3));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: any } = await call("GET", `/v1/usage?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: s.token });
      expect(page.body.sessions.length).toBeLessThanOrEqual(2);
      expect(page.body.totals).toEqual({ sessions: 5, bytesUp: 10, bytesDown: 100 });
      seen.push(...page.body.sessions.map((x: { id: string }) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("rejects bad paging input", async () => {
    const s = await signedIn();
    for (const q of ["limit=0", "limit=101", "limit=abc", "cursor=%25%25", "cursor=bm9wZQ", "other=1"]) {
      const res = await call("GET", `/v1/usage?${q}`, { token: s.token });
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
  });
});

describe("idle sessions", () => {
  it("the cron trigger ends sessions with no traffic for the idle period", async () => {
    const { gw, s, sessionId } = await open();
    const busy = await (async () => {
      const other = await signedIn();
      const res = await call("POST", "/v1/tunnel/sessions", { token: other.token, body: { locationId: gw.id } });
      return { token: other.token, id: res.body.session.id as string };
    })();
    const idleMs = Number(env.SESSION_IDLE_MINUTES) * 60_000;
    // Move the idle session's last traffic back in time; the busy one just moved bytes.
    await env.DB.prepare("UPDATE tunnel_sessions SET last_activity_at = ? WHERE id = ?")
      .bind(Date.now() - idleMs - 1000, sessionId)
      .run();
    await report(gw, crypto.randomUUID(), [{ sessionId: busy.id, bytesUp: 1, bytesDown: 1 }]);

    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" });
    const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
    const pending: Promise<unknown>[] = [];
    await worker.scheduled!(controller, env, ctx);
    await Promise.all(pending);

    const idle = (await call("GET", "/v1/usage", { token: s.token })).body.sessions[0];
    expect(idle.endedAt).not.toBeNull();
    const active = (await call("GET", "/v1/usage", { token: busy.token })).body.sessions[0];
    expect(active.endedAt).toBeNull();
    const beat = await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 1, load: 0 }, headers: gw.auth });
    expect(beat.body.revokedSessions).toContain(sessionId);
  });
});
