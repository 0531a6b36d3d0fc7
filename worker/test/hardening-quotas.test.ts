/**
 * Per-account quotas: telemetry events per UTC day, tunnel-session starts per
 * minute (both checked in the same statement that stores, so parallel
 * requests cannot pass them together), plausible telemetry times, and a
 * heartbeat answer no longer than the request's own list may be.
 */
import { env } from "cloudflare:test";
import { MAX_HEARTBEAT_SESSIONS } from "@cargo-vpn/shared";
import { describe, expect, it } from "vitest";
import { MAX_SESSION_STARTS_PER_MINUTE, MAX_TELEMETRY_EVENTS_PER_DAY, SESSION_STARTS_WINDOW_MS } from "../src/constants";
import { call, provisionGateway, signedIn } from "./client";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function event(attemptAt = new Date().toISOString()) {
  return { attemptAt, connectionType: "https-proxy", encryptionType: "tls1.3", deviceType: "chrome", outcome: "connected" };
}

async function rows(sql: string, ...bind: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql)
    .bind(...bind)
    .first<{ n: number }>())!.n;
}

async function optedIn() {
  const s = await signedIn();
  expect((await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } })).status).toBe(200);
  return s;
}

describe("telemetry quota", () => {
  it(`at most ${MAX_TELEMETRY_EVENTS_PER_DAY} events a day per account, even from parallel batches`, async () => {
    const s = await optedIn();
    const batch = { events: Array.from({ length: 100 }, () => event()) };
    const batches = MAX_TELEMETRY_EVENTS_PER_DAY / 100 + 2;
    const results = await Promise.all(
      Array.from({ length: batches }, () => call("POST", "/v1/telemetry", { token: s.token, body: batch })),
    );
    expect(results.filter((r) => r.status === 202)).toHaveLength(MAX_TELEMETRY_EVENTS_PER_DAY / 100);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.body.code).toBe("rate_limited");
      const wait = Number(r.headers.get("retry-after"));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(DAY / 1000);
    }
    expect(await rows("SELECT COUNT(*) AS n FROM telemetry_events WHERE account_id = ?", s.user.id)).toBe(MAX_TELEMETRY_EVENTS_PER_DAY);
    expect((await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event()] } })).status).toBe(429);
    // Another account has its own quota.
    const other = await optedIn();
    expect((await call("POST", "/v1/telemetry", { token: other.token, body: { events: [event()] } })).status).toBe(202);
  });

  it("refuses attemptAt in the future (beyond a little clock skew) or older than 30 days, storing nothing", async () => {
    const s = await optedIn();
    const now = Date.now();
    for (const at of [now + 60 * MINUTE, now + DAY, now - 31 * DAY, Date.parse("1970-01-01T00:00:00Z")]) {
      const res = await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event(), event(new Date(at).toISOString())] } });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors).toEqual([{ path: "events.1.attemptAt", message: expect.any(String) }]);
    }
    expect(await rows("SELECT COUNT(*) AS n FROM telemetry_events WHERE account_id = ?", s.user.id)).toBe(0);
    const fine = [now + MINUTE, now - 29 * DAY].map((at) => event(new Date(at).toISOString()));
    expect((await call("POST", "/v1/telemetry", { token: s.token, body: { events: fine } })).status).toBe(202);
  });
});

describe("tunnel-session quota", () => {
  it(`at most ${MAX_SESSION_STARTS_PER_MINUTE} session starts a minute per account; a refused start ends nothing`, async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const start = () => call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
    const results = await Promise.all(Array.from({ length: MAX_SESSION_STARTS_PER_MINUTE + 5 }, start));
    const started = results.filter((r) => r.status === 201);
    expect(started).toHaveLength(MAX_SESSION_STARTS_PER_MINUTE);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.body.code).toBe("rate_limited");
      const wait = Number(r.headers.get("retry-after"));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(SESSION_STARTS_WINDOW_MS / 1000);
    }
    expect(await rows("SELECT COUNT(*) AS n FROM tunnel_sessions WHERE account_id = ?", s.user.id)).toBe(MAX_SESSION_STARTS_PER_MINUTE);
    const open = await env.DB.prepare("SELECT id FROM tunnel_sessions WHERE account_id = ? AND ended_at IS NULL").bind(s.user.id).all();
    expect(open.results).toHaveLength(1);

    // One more start is refused and leaves the open session open.
    expect((await start()).status).toBe(429);
    const still = await env.DB.prepare("SELECT id FROM tunnel_sessions WHERE account_id = ? AND ended_at IS NULL").bind(s.user.id).all();
    expect(still.results).toEqual(open.results);

    // Starts older than the window no longer count.
    await env.DB.prepare("UPDATE tunnel_sessions SET started_at = started_at - ? WHERE account_id = ?")
      .bind(SESSION_STARTS_WINDOW_MS, s.user.id)
      .run();
    expect((await start()).status).toBe(201);
  });
});

describe("heartbeat answer", () => {
  it(`revokedSessions holds at most ${MAX_HEARTBEAT_SESSIONS} ids, the gateway's own stale ones first`, async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const now = Date.now();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO tunnel_sessions (id, account_id, device_id, gateway_id, started_at, ended_at, last_activity_at)
       SELECT 'ended-' || i, ?2, 'device-' || i, ?3, ?4 - 60000, ?4 - i, ?4 - 60000 FROM n`,
    )
      .bind(MAX_HEARTBEAT_SESSIONS + 100, s.user.id, gw.id, now)
      .run();
    const res = await call("POST", "/v1/gateway/heartbeat", {
      headers: gw.auth,
      body: { activeSessions: 1, load: 0.2, sessions: ["erased-long-ago"] },
    });
    expect(res.status).toBe(200);
    expect(res.body.revokedSessions).toHaveLength(MAX_HEARTBEAT_SESSIONS);
    expect(res.body.revokedSessions[0]).toBe("erased-long-ago");
    // The most recently ended come next.
    expect(res.body.revokedSessions.slice(1, 4)).toEqual(["ended-1", "ended-2", "ended-3"]);
  });
});
