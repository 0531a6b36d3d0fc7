/** Opt-in telemetry, export, erasure and retention: the privacy policy as features. */
import { createScheduledController, env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { call, credential, signIn, newDevice, provisionGateway, register, signedIn } from "./client";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

const event = (overrides: Record<string, unknown> = {}) => ({
  attemptAt: new Date().toISOString(),
  connectionType: "https-proxy",
  encryptionType: "tls1.3",
  deviceType: "chrome",
  outcome: "connected",
  ...overrides,
});

async function telemetryRows(accountId: string) {
  return (await env.DB.prepare("SELECT * FROM telemetry_events WHERE account_id = ?").bind(accountId).all()).results;
}

async function runCron(at: number) {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env, ctx);
  await Promise.all(pending);
}

describe("telemetry", () => {
  it("is refused with telemetry_disabled and stores nothing until the account opts in", async () => {
    const s = await signedIn();
    const refused = await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event()] } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("telemetry_disabled");
    expect(await telemetryRows(s.user.id)).toHaveLength(0);

    await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } });
    const accepted = await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event(), event({ outcome: "failed" })] } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted).toBe(2);
    const rows = await telemetryRows(s.user.id);
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ["account_id", "attempt_at", "connection_type", "device_type", "encryption_type", "id", "outcome", "received_at"].sort(),
    );

    await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: false } });
    expect((await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event()] } })).status).toBe(403);
    expect(await telemetryRows(s.user.id)).toHaveLength(2);
  });

  it("takes only the contract's fields and at most 100 events", async () => {
    const s = await signedIn();
    await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } });
    for (const events of [
      [event({ url: "https://example.com" })],
      [event({ hostname: "example.com" })],
      [event({ connectionType: "wireguard" })],
      [event({ attemptAt: "yesterday" })],
      Array.from({ length: 101 }, () => event()),
      [],
    ]) {
      const res = await call("POST", "/v1/telemetry", { token: s.token, body: { events } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
    expect(
      (await call("POST", "/v1/telemetry", { token: s.token, body: { events: Array.from({ length: 100 }, () => event()) } })).status,
    ).toBe(202);
    expect(await telemetryRows(s.user.id)).toHaveLength(100);
  });

  it("events are deleted 30 days after they arrived", async () => {
    const s = await signedIn();
    await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } });
    await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event()] } });
    await runCron(Date.now() + 29 * 24 * 3600_000);
    expect(await telemetryRows(s.user.id)).toHaveLength(1);
    await runCron(Date.now() + 31 * 24 * 3600_000);
    expect(await telemetryRows(s.user.id)).toHaveLength(0);
  });
});

describe("usage retention", () => {
  it("ended sessions older than the retention period are deleted; open ones stay", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const first = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
    await call("POST", `/v1/tunnel/sessions/${first.body.session.id}/end`, { token: s.token });
    const open = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
    await env.DB.prepare("UPDATE tunnel_sessions SET last_activity_at = ? WHERE id = ?")
      .bind(Date.now() + 91 * 24 * 3600_000, open.body.session.id)
      .run();
    await runCron(Date.now() + 91 * 24 * 3600_000);
    const usage = await call("GET", "/v1/usage", { token: s.token });
    expect(usage.body.sessions.map((x: { id: string }) => x.id)).toEqual([open.body.session.id]);
  });
});

describe("export", () => {
  it("returns everything held about the account, decrypted, and nothing of anyone else", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const other = await signedIn();
    await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } });
    await call("POST", "/v1/telemetry", { token: s.token, body: { events: [event()] } });
    const session = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
    await call("POST", "/v1/tunnel/sessions", { token: other.token, body: { locationId: gw.id } });
    // What `npm run ops -- plan set --reason` records.
    await env.DB.prepare(
      "INSERT INTO plan_changes (account_id, plan_id, source, reason, changed_at) VALUES (?, 'plus', 'support', 'goodwill after an outage', ?)",
    )
      .bind(s.user.id, Date.parse("2026-03-01T00:00:00Z"))
      .run();
    // Per-day totals of sessions past their retention (what the cron folds them into), the other account's too.
    const day = (iso: string) => Date.parse(iso) / 86_400_000;
    await env.DB.prepare(
      "INSERT INTO usage_days (account_id, day, sessions, bytes_up, bytes_down) VALUES (?1, ?3, 2, 100, 2000), (?1, ?4, 1, 5, 50), (?2, ?3, 9, 9, 9)",
    )
      .bind(s.user.id, other.user.id, day("2026-01-10T00:00:00Z"), day("2026-01-12T00:00:00Z"))
      .run();

    const res = await call("GET", "/v1/me/export", { token: s.token });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ id: s.user.id, username: s.user.username, email: s.user.email, telemetryOptIn: true });
    expect(res.body.devices).toEqual([expect.objectContaining({ id: s.device.id, label: s.device.label, current: true })]);
    expect(res.body.sessions).toEqual([expect.objectContaining({ id: session.body.session.id, bytesUp: 0, bytesDown: 0 })]);
    expect(res.body.usageDays).toEqual([
      { day: "2026-01-12", sessions: 1, bytesUp: 5, bytesDown: 50 },
      { day: "2026-01-10", sessions: 2, bytesUp: 100, bytesDown: 2000 },
    ]);
    expect(res.body.telemetry).toEqual([expect.objectContaining({ connectionType: "https-proxy", outcome: "connected" })]);
    expect(res.body.planChanges).toEqual([
      { planId: "plus", source: "support", reason: "goodwill after an outage", changedAt: "2026-03-01T00:00:00.000Z" },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(other.user.id);
    expect((await call("GET", "/v1/me/export")).status).toBe(401);
  });
});

describe("erasure", () => {
  it("a wrong authKey erases nothing", async () => {
    const s = await signedIn();
    const res = await call("DELETE", "/v1/me", { token: s.token, body: { authKey: s.user.cred.wrongAuthKey } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_credentials");
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(200);
  });

  it("leaves nothing behind, stops every token at once, and frees username and email", async () => {
    const gw = await provisionGateway();
    const user = await register({ cred: credential(1) });
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    const a = await signIn(user, newDevice("chrome", "Chrome on Erasable"));
    const b = await signIn(user, newDevice("firefox", "Firefox on Erasable"));
    const token = a.body.accessToken;
    await call("PATCH", "/v1/me", { token, body: { telemetryOptIn: true } });
    await call("POST", "/v1/telemetry", { token, body: { events: [event()] } });
    const session = await call("POST", "/v1/tunnel/sessions", { token, body: { locationId: gw.id } });
    const sessionId = session.body.session.id;
    await call("POST", "/v1/gateway/usage", {
      body: { batchId: crypto.randomUUID(), reports: [{ sessionId, bytesUp: 5, bytesDown: 9 }] },
      headers: gw.auth,
    });
    // A failed sign-in leaves a counter keyed by the username's blind index.
    await call("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.wrongAuthKey, device: newDevice() } });
    const { usernameIndex, emailIndex, wrappedKey } = (await env.DB.prepare("SELECT * FROM accounts WHERE id = ?")
      .bind(user.id)
      .first<Record<string, string>>())!;
    const refreshRows = (
      await env.DB.prepare("SELECT token_hash FROM refresh_tokens WHERE account_id = ?").bind(user.id).all<{ token_hash: string }>()
    ).results;
    expect(refreshRows.length).toBeGreaterThan(0);

    const erased = await call("DELETE", "/v1/me", { token, body: { authKey: user.cred.authKey } });
    expect(erased.status).toBe(204);

    // Nothing of the account in any D1 table or Durable Object.
    const d1 = await dumpD1();
    const objects = await dumpDurableObjects();
    const traces = [
      user.id,
      a.body.device.id,
      b.body.device.id,
      sessionId,
      usernameIndex,
      emailIndex,
      wrappedKey,
      ...refreshRows.map((r) => r.token_hash),
    ];
    for (const trace of traces) {
      expect(d1, `D1 still holds ${trace}`).not.toContain(trace);
      expect(objects, `Durable Objects still hold ${trace}`).not.toContain(trace);
    }
    for (const id of await listDurableObjectIds(env.DEVICE_SLOTS)) {
      const stored = await runInDurableObject(env.DEVICE_SLOTS.get(id), async (_o, state) => state.storage.list());
      if (id.equals(env.DEVICE_SLOTS.idFromName(user.id))) expect(stored.size).toBe(0);
    }

    // Every token stops working at once.
    expect((await call("GET", "/v1/me", { token })).status).toBe(401);
    expect((await call("GET", "/v1/devices", { token: b.body.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: a.body.refreshToken } })).status).toBe(401);
    expect((await call("POST", `/v1/tunnel/sessions/${sessionId}/renew`, { token })).status).toBe(401);
    // The gateway is told to drop the session on its next heartbeat.
    const beat = await call("POST", "/v1/gateway/heartbeat", {
      body: { activeSessions: 1, load: 0, sessions: [sessionId] },
      headers: gw.auth,
    });
    expect(beat.body.revokedSessions).toContain(sessionId);
    // Late usage for it is ignored, not resurrected.
    const late = await call("POST", "/v1/gateway/usage", {
      body: { batchId: crypto.randomUUID(), reports: [{ sessionId, bytesUp: 1, bytesDown: 1 }] },
      headers: gw.auth,
    });
    expect(late.body.accepted).toBe(0);

    // Username and email are free again; the old password does not open the new account's data.
    const again = await register({ username: user.username, email: user.email, cred: credential(2) });
    expect(again.id).not.toBe(user.id);
    expect(
      (await call("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.authKey, device: newDevice() } })).status,
    ).toBe(401);
  });
});
