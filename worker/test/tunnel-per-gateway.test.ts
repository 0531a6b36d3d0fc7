/**
 * Per-site locations on the API side: a device holds one open session per
 * gateway (alongside), at most MAX_OPEN_SESSIONS_PER_DEVICE, never more under
 * parallel starts; a start without `alongside` still ends them all; slots
 * count devices, not sessions; each session's usage stays its own.
 */
import { env } from "cloudflare:test";
import { MAX_OPEN_SESSIONS_PER_DEVICE } from "@cargo-vpn/shared";
import { describe, expect, it } from "vitest";
import { call, newDevice, provisionGateway, register, signIn, signedIn } from "./client";

const start = (token: string, locationId: string, alongside?: boolean) =>
  call("POST", "/v1/tunnel/sessions", { token, body: alongside === undefined ? { locationId } : { locationId, alongside } });

async function openSessions(accountId: string): Promise<Array<{ id: string; gateway_id: string; device_id: string }>> {
  const { results } = await env.DB.prepare(
    "SELECT id, gateway_id, device_id FROM tunnel_sessions WHERE account_id = ? AND ended_at IS NULL",
  )
    .bind(accountId)
    .all<{ id: string; gateway_id: string; device_id: string }>();
  return results;
}

const gateways = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => provisionGateway({ name: `Site ${i}` })));

describe("sessions alongside, one per gateway", () => {
  it("keeps the device's sessions on other gateways open and replaces only the one on the same gateway", async () => {
    const [g1, g2] = await gateways(2);
    const s = await signedIn();
    const main = await start(s.token, g1!.id);
    const site = await start(s.token, g2!.id, true);
    expect(site.status).toBe(201);
    expect((await openSessions(s.user.id)).map((r) => r.id).sort()).toEqual([main.body.session.id, site.body.session.id].sort());
    // Again on gateway 2: replaces the session there, not the main one.
    const again = await start(s.token, g2!.id, true);
    const open = await openSessions(s.user.id);
    expect(open.map((r) => r.id).sort()).toEqual([main.body.session.id, again.body.session.id].sort());
    // Each session's credential names its own gateway, and each renews on its own.
    for (const id of [main.body.session.id, again.body.session.id]) {
      expect((await call("POST", `/v1/tunnel/sessions/${id}/renew`, { token: s.token })).status).toBe(200);
    }
    expect((await call("POST", `/v1/tunnel/sessions/${site.body.session.id}/renew`, { token: s.token })).body.code).toBe("session_ended");
  });

  it("a start without alongside ends every open session of the device (a single tunnel, as before)", async () => {
    const [g1, g2, g3] = await gateways(3);
    const s = await signedIn();
    await start(s.token, g1!.id);
    await start(s.token, g2!.id, true);
    const single = await start(s.token, g3!.id, false);
    expect((await openSessions(s.user.id)).map((r) => r.id)).toEqual([single.body.session.id]);
  });

  it(`refuses the ${MAX_OPEN_SESSIONS_PER_DEVICE + 1}th gateway with 409 too_many_sessions naming the cap, and changes nothing`, async () => {
    const all = await gateways(MAX_OPEN_SESSIONS_PER_DEVICE + 1);
    const s = await signedIn();
    for (const g of all.slice(0, MAX_OPEN_SESSIONS_PER_DEVICE)) expect((await start(s.token, g.id, true)).status).toBe(201);
    const before = (await openSessions(s.user.id)).map((r) => r.id).sort();
    const refused = await start(s.token, all[MAX_OPEN_SESSIONS_PER_DEVICE]!.id, true);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body).toMatchObject({ code: "too_many_sessions", maxOpenSessions: MAX_OPEN_SESSIONS_PER_DEVICE });
    expect(refused.body.detail).toContain(String(MAX_OPEN_SESSIONS_PER_DEVICE));
    expect((await openSessions(s.user.id)).map((r) => r.id).sort()).toEqual(before);
    // At the cap, a gateway the device already uses is still a replacement, not one more.
    expect((await start(s.token, all[0]!.id, true)).status).toBe(201);
    expect(await openSessions(s.user.id)).toHaveLength(MAX_OPEN_SESSIONS_PER_DEVICE);
  });

  it("parallel starts on many gateways never leave more than the cap open, nor two on one gateway", async () => {
    const all = await gateways(MAX_OPEN_SESSIONS_PER_DEVICE + 3);
    const s = await signedIn();
    // Two starts per gateway for the first two gateways, one for the rest: 10 starts (the per-minute quota).
    const targets = [all[0]!, all[0]!, all[1]!, all[1]!, ...all.slice(2)];
    const results = await Promise.all(targets.map((g) => start(s.token, g.id, true)));
    const created = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || r.body.code === "too_many_sessions")).toBe(true);
    const open = await openSessions(s.user.id);
    expect(open.length).toBe(MAX_OPEN_SESSIONS_PER_DEVICE);
    expect(new Set(open.map((r) => r.gateway_id)).size).toBe(open.length);
    // Every start that answered 201 and is not open any more was replaced on its own gateway.
    expect(created.length).toBeGreaterThanOrEqual(MAX_OPEN_SESSIONS_PER_DEVICE);
  });

  it("slots count devices, not sessions: sessions alongside take no second slot", async () => {
    const [g1, g2] = await gateways(2);
    const user = await register(); // free plan: one device
    const a = await signIn(user, newDevice());
    await start(a.body.accessToken, g1!.id);
    expect((await start(a.body.accessToken, g2!.id, true)).status).toBe(201);
    const devices = await call("GET", "/v1/devices", { token: a.body.accessToken });
    expect(devices.body.devices).toHaveLength(1);
    const b = await signIn(user, newDevice());
    expect(b.status).toBe(409);
    expect(b.body.code).toBe("device_limit");
  });

  it("usage stays exact per session, and signing out ends every session of the device", async () => {
    const [g1, g2] = await gateways(2);
    const s = await signedIn();
    const main = (await start(s.token, g1!.id)).body.session.id as string;
    const site = (await start(s.token, g2!.id, true)).body.session.id as string;
    const report = (gw: { auth: Record<string, string> }, sessionId: string, up: number, down: number) =>
      call("POST", "/v1/gateway/usage", {
        body: { batchId: crypto.randomUUID(), reports: [{ sessionId, bytesUp: up, bytesDown: down }] },
        headers: gw.auth,
      });
    expect((await report(g1!, main, 10, 1000)).status).toBe(200);
    expect((await report(g2!, site, 20, 2000)).status).toBe(200);
    expect((await report(g2!, site, 1, 2)).status).toBe(200);
    const usage = await call("GET", "/v1/usage", { token: s.token });
    const byId = Object.fromEntries(usage.body.sessions.map((u: { id: string }) => [u.id, u]));
    expect(byId[main]).toMatchObject({ bytesUp: 10, bytesDown: 1000 });
    expect(byId[site]).toMatchObject({ bytesUp: 21, bytesDown: 2002 });
    expect(usage.body.totals).toEqual({ sessions: 2, bytesUp: 31, bytesDown: 3002 });

    await call("POST", "/v1/auth/logout", { token: s.token });
    expect(await openSessions(s.user.id)).toEqual([]);
    for (const gw of [g1!, g2!]) {
      const beat = await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 1, load: 0.1 }, headers: gw.auth });
      expect(beat.body.revokedSessions).toEqual(expect.arrayContaining([gw === g1 ? main : site]));
    }
  });

  it("refuses a non-boolean alongside with validation_failed and opens nothing", async () => {
    const [g1] = await gateways(1);
    const s = await signedIn();
    const res = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: g1!.id, alongside: "yes" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(await openSessions(s.user.id)).toEqual([]);
  });
});
