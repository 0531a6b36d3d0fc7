/**
 * Devices after a downgrade (issue 20, item 6): going down signs nobody out
 * at once, the plan-change mail says until when (DOWNGRADE_GRACE_DAYS, 7 by
 * default), and when the cron trigger runs after that the most recently used
 * devices within the plan's limit keep their slots while the others are
 * signed out: slots freed, refresh and access tokens refused, tunnel sessions
 * ended (so gateways drop them). Going up again within the grace ends it.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findById } from "../src/accounts/accounts";
import { DEFAULT_DOWNGRADE_GRACE_DAYS } from "../src/constants";
import { appContext } from "../src/context";
import { database } from "../src/db/client";
import { mailTime } from "../src/email/templates";
import { deviceSlots } from "../src/devices/device-slots";
import { keyRef } from "../src/devices/devices";
import { housekeeping } from "../src/housekeeping";
import { parseSettings } from "../src/settings";
import { LOCAL_PRICES } from "@cargo-vpn/stripe-standin/prices";
import { deliverNew, me, standin, subscribed } from "./billing-helpers";
import { call, newDevice, provisionGateway, signIn } from "./client";
import { latest } from "./mail";

const DAY_MS = 24 * 60 * 60 * 1000;

interface Held {
  deviceId: string;
  accessToken: string;
  refreshToken: string;
}

async function graceUntil(accountId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT downgrade_grace_until AS until FROM accounts WHERE id = ?")
    .bind(accountId)
    .first<{ until: number | null }>();
  return row!.until;
}

/** Refreshes a device's tokens (its refresh token is single-use) and answers the status. */
async function refresh(device: Held): Promise<number> {
  const res = await call("POST", "/v1/auth/refresh", { body: { refreshToken: device.refreshToken } });
  if (res.status === 200) Object.assign(device, { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken });
  return res.status;
}

describe("downgrade grace period", () => {
  it("signs out, once the grace has passed, all but the most recently used devices within the new limit", async () => {
    const { user, device, customer, subscription } = await subscribed("team");
    // Signed in again for its refresh token (this replaces the helper's sign-in of the same device).
    const first = await signIn(user, device);
    const token = first.body.accessToken as string;
    const devices: Held[] = [{ deviceId: device.id, accessToken: first.body.accessToken, refreshToken: first.body.refreshToken }];
    for (let i = 0; i < 3; i++) {
      const d = newDevice("chrome", `Team device ${i}`);
      const res = await signIn(user, d);
      expect(res.status).toBe(200);
      devices.push({ deviceId: d.id, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken });
    }
    // Every device carries a tunnel.
    const gateway = await provisionGateway();
    const sessions: string[] = [];
    for (const d of devices) {
      const opened = await call("POST", "/v1/tunnel/sessions", { token: d.accessToken, body: { locationId: gateway.id } });
      expect(opened.status).toBe(201);
      sessions.push(opened.body.session.id);
    }
    // Device 2 was used last: it is the one a Free plan keeps.
    const ctx = appContext(env);
    const row = (await findById(database(env), user.id))!;
    const now = Date.now();
    await deviceSlots(ctx, user.id).touch(keyRef(row), devices[0]!.deviceId, now + 10 * 60_000);
    await deviceSlots(ctx, user.id).touch(keyRef(row), devices[2]!.deviceId, now + 20 * 60_000);

    const before = Date.now();
    await standin(`/_standin/subscriptions/${subscription}/cancel`, { method: "POST" });
    await deliverNew(customer);
    expect((await me(token)).plan.id).toBe("free");
    const until = (await graceUntil(user.id))!;
    expect(until).toBeGreaterThanOrEqual(before + DEFAULT_DOWNGRADE_GRACE_DAYS * DAY_MS);
    expect(until).toBeLessThanOrEqual(Date.now() + DEFAULT_DOWNGRADE_GRACE_DAYS * DAY_MS);
    const notice = await latest(user.email, "Your Cargo VPN plan is now Free");
    expect(notice.text).toContain(`stay signed in until ${mailTime(until)}`);
    expect(notice.text).toContain("the 1 device used most recently keep");

    // Within the grace nobody is signed out, whatever the cron does. (Every tunnel moved traffic
    // just before each run, so ending idle sessions, the cron's other job, ends none of them.)
    const busy = (at: number) =>
      env.DB.prepare("UPDATE tunnel_sessions SET last_activity_at = ? WHERE account_id = ?").bind(at, user.id).run();
    await busy(until - 2 * 60_000);
    await housekeeping(ctx, until - 60_000);
    for (const d of devices) expect(await refresh(d), d.deviceId).toBe(200);
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM tunnel_sessions WHERE account_id = ? AND ended_at IS NULL")
        .bind(user.id)
        .first<{ n: number }>())!.n,
    ).toBe(4);
    expect((await call("GET", "/v1/devices", { token: devices[2]!.accessToken })).body.devices).toHaveLength(4);

    // The grace has passed: the cron keeps device 2 and signs the other three out.
    await busy(until);
    await housekeeping(ctx, until + 60_000);
    const left = await call("GET", "/v1/devices", { token: devices[2]!.accessToken });
    expect(left.status).toBe(200);
    expect(left.body.devices.map((d: any) => d.id)).toEqual([devices[2]!.deviceId]);
    expect(await refresh(devices[2]!)).toBe(200);
    for (const i of [0, 1, 3]) {
      const d = devices[i]!;
      expect(await refresh(d), `refresh of device ${i}`).toBe(401);
      expect((await call("GET", "/v1/me", { token: d.accessToken })).status, `access token of device ${i}`).toBe(401);
    }
    const ended = await env.DB.prepare(`SELECT id, ended_at FROM tunnel_sessions WHERE account_id = ?`)
      .bind(user.id)
      .all<{ id: string; ended_at: number | null }>();
    const endedIds = ended.results
      .filter((s) => s.ended_at !== null)
      .map((s) => s.id)
      .sort();
    expect(endedIds).toEqual([sessions[0]!, sessions[1]!, sessions[3]!].sort());
    // The gateway hears it at its next heartbeat.
    const beat = await call("POST", "/v1/gateway/heartbeat", { body: { activeSessions: 4, load: 0.1, sessions }, headers: gateway.auth });
    expect([...beat.body.revokedSessions].sort()).toEqual(endedIds);
    expect(await graceUntil(user.id)).toBeNull();
    // A new device still gets device_limit: the account is at its limit.
    expect((await signIn(user, newDevice("firefox", "One more"))).body.code).toBe("device_limit");
  });

  it("going up again within the grace ends it: nobody is signed out", async () => {
    const { user, token, customer, subscription } = await subscribed("team");
    for (let i = 0; i < 6; i++) expect((await signIn(user, newDevice("chrome", `Device ${i}`))).status).toBe(200);
    const switchTo = async (price: string) => {
      await standin(`/_standin/subscriptions/${subscription}/price`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `price=${price}`,
      });
      await deliverNew(customer);
    };
    await switchTo(LOCAL_PRICES.plus!.month!.price);
    expect((await me(token)).plan.id).toBe("plus");
    const until = (await graceUntil(user.id))!;
    expect(until).toBeGreaterThan(Date.now());
    await switchTo(LOCAL_PRICES.team!.month!.price);
    expect(await graceUntil(user.id)).toBeNull();
    await housekeeping(appContext(env), until + DAY_MS);
    expect((await call("GET", "/v1/devices", { token })).body.devices).toHaveLength(7);
  });

  it("the grace is a setting (DOWNGRADE_GRACE_DAYS), 7 days by default", () => {
    expect(parseSettings({ ...env, DOWNGRADE_GRACE_DAYS: undefined }).downgradeGraceDays).toBe(7);
    expect(parseSettings({ ...env, DOWNGRADE_GRACE_DAYS: "3" }).downgradeGraceDays).toBe(3);
    expect(parseSettings({ ...env, DOWNGRADE_GRACE_DAYS: "0" }).downgradeGraceDays).toBe(7);
  });
});
