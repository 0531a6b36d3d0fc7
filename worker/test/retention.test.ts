/**
 * Bounded storage: after the cron trigger runs, rows older than their window
 * are gone. Ended sessions past USAGE_RETENTION_DAYS are folded into per-day
 * totals (the account's usage totals do not change), expired and superseded
 * refresh tokens, old usage batch ids, old webhook event ids and expired email
 * tokens are deleted; everything inside its window stays.
 */
import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { call, provisionGateway, signedIn } from "./client";

const DAY = 24 * 60 * 60 * 1000;

async function runCron(nowMs = Date.now()) {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
  await worker.scheduled!(createScheduledController({ scheduledTime: nowMs, cron: "*/5 * * * *" }), env, ctx);
  await Promise.all(pending);
}

const count = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

describe("the cron trigger bounds storage", () => {
  it("folds sessions past the retention into per-day totals and deletes them; the totals stay", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const now = Date.now();
    const retention = Number(env.USAGE_RETENTION_DAYS ?? 90);
    const old = (days: number, up: number, down: number, id = crypto.randomUUID()) =>
      env.DB.prepare(
        `INSERT INTO tunnel_sessions (id, account_id, device_id, gateway_id, started_at, ended_at, last_activity_at, bytes_up, bytes_down)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5 + 60000, ?5 + 60000, ?6, ?7)`,
      )
        .bind(id, s.user.id, `device-${id}`, gw.id, now - days * DAY, up, down)
        .run()
        .then(() => id);
    const gone = [await old(retention + 3, 10, 100), await old(retention + 3, 1, 1), await old(retention + 10, 5, 5)];
    const kept = await old(retention - 1, 7, 70);
    const before = (await call("GET", "/v1/usage", { token: s.token })).body.totals;
    expect(before).toEqual({ sessions: 4, bytesUp: 23, bytesDown: 176 });

    await runCron(now);

    expect(await count("SELECT COUNT(*) AS n FROM tunnel_sessions WHERE account_id = ?", s.user.id)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM tunnel_sessions WHERE id IN (?, ?, ?)", ...gone)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM tunnel_sessions WHERE id = ?", kept)).toBe(1);
    const days = await env.DB.prepare("SELECT day, sessions, bytes_up, bytes_down FROM usage_days WHERE account_id = ? ORDER BY day")
      .bind(s.user.id)
      .all();
    expect(days.results).toEqual([
      { day: Math.floor((now - (retention + 10) * DAY) / DAY), sessions: 1, bytes_up: 5, bytes_down: 5 },
      { day: Math.floor((now - (retention + 3) * DAY) / DAY), sessions: 2, bytes_up: 11, bytes_down: 101 },
    ]);
    const usage = (await call("GET", "/v1/usage", { token: s.token })).body;
    expect(usage.totals).toEqual(before);
    expect(usage.sessions.map((x: { id: string }) => x.id)).toEqual([kept]);
    // A second run changes nothing.
    await runCron(now);
    expect((await call("GET", "/v1/usage", { token: s.token })).body.totals).toEqual(before);
  });

  it("prunes expired and superseded refresh tokens, old batch and webhook ids and expired email tokens", async () => {
    const s = await signedIn();
    const now = Date.now();
    const signIn = (await env.DB.prepare("SELECT id FROM sign_ins WHERE account_id = ?").bind(s.user.id).first<{ id: string }>())!.id;
    // A second sign-in whose newest token was used days ago: that one stays, to catch its reuse.
    const other = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO sign_ins (id, account_id, device_id, created_at) VALUES (?, ?, 'other-device', ?)")
      .bind(other, s.user.id, now - 10 * DAY)
      .run();
    const token = (hash: string, createdAt: number, usedAt: number | null, chain = signIn) =>
      env.DB.prepare(
        "INSERT INTO refresh_tokens (token_hash, sign_in_id, account_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
        .bind(hash, chain, s.user.id, createdAt, createdAt + 30 * DAY, usedAt)
        .run();
    await token("t:expired-unused", now - 40 * DAY, null);
    await token("t:used-long-ago", now - 5 * DAY, now - 4 * DAY);
    await token("t:superseded", now - 3 * DAY, now - 2 * DAY);
    await token("t:other-older", now - 9 * DAY, now - 8 * DAY, other);
    await token("t:other-latest", now - 8 * DAY, now - 7 * DAY, other);
    await token("t:used-recently", now - 60_000, now - 30_000);
    await env.DB.prepare("INSERT INTO billing_events (event_id, received_at) VALUES ('evt_old', ?), ('evt_new', ?)")
      .bind(now - 8 * DAY, now)
      .run();
    await env.DB.prepare(
      "INSERT INTO email_tokens (token_hash, account_id, purpose, email_index, expires_at) VALUES ('mail-expired', ?1, 'verify', 'x', ?2), ('mail-live', ?1, 'reset', 'x', ?3)",
    )
      .bind(s.user.id, now - 1000, now + DAY)
      .run();

    await runCron(now);

    const hashes = (
      await env.DB.prepare("SELECT token_hash FROM refresh_tokens WHERE account_id = ? ORDER BY token_hash")
        .bind(s.user.id)
        .all<{ token_hash: string }>()
    ).results.map((r) => r.token_hash);
    // The sign-in's own live token (from signing in) stays too.
    expect(hashes.filter((h) => !h.startsWith("t:"))).toHaveLength(1);
    expect(hashes.filter((h) => h.startsWith("t:"))).toEqual(["t:other-latest", "t:used-recently"]);
    expect(await count("SELECT COUNT(*) AS n FROM billing_events WHERE event_id IN ('evt_old', 'evt_new')")).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM email_tokens WHERE token_hash IN ('mail-expired', 'mail-live')")).toBe(1);
    // The device stays signed in: its refresh token still works.
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: s.refreshToken } })).status).toBe(200);
  });
});
