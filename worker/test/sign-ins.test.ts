/**
 * Sign-ins you can see and end (issue 18, item 4): the devices list shows
 * kind, label, when each signed in and the day it was last active (never a
 * time, address or place); a device can be renamed; "sign out everywhere
 * else" ends every other sign-in at once: slots freed, refresh tokens
 * revoked, tunnel sessions ended so the next heartbeat tells the gateway.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, newDevice, provisionGateway, register, signIn } from "./client";

async function plusAccountWithDevices(n: number) {
  const user = await register();
  await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
  const devices = [];
  for (let i = 0; i < n; i++) {
    const device = newDevice(i % 2 ? "firefox" : "chrome", `Device ${i}`);
    const res = await signIn(user, device, { "cf-connecting-ip": `198.51.100.${i + 10}` });
    expect(res.status).toBe(200);
    devices.push({ device, token: res.body.accessToken as string, refreshToken: res.body.refreshToken as string });
  }
  return { user, devices };
}

describe("the devices list", () => {
  it("shows kind, label, sign-in time and the day last active, and no address", async () => {
    const { devices } = await plusAccountWithDevices(2);
    const list = await call("GET", "/v1/devices", { token: devices[0]!.token });
    expect(list.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    for (const d of list.body.devices) {
      expect(d.lastActiveOn).toBe(today);
      expect(d.lastActiveOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(list.body.devices.map((d: { label: string; kind: string; current: boolean }) => [d.label, d.kind, d.current])).toEqual([
      ["Device 0", "chrome", true],
      ["Device 1", "firefox", false],
    ]);
    expect(JSON.stringify(list.body)).not.toContain("198.51.100");
  });

  it("renames a device, cleaning the label; an unknown device or an empty label changes nothing", async () => {
    const { devices } = await plusAccountWithDevices(2);
    const [me, other] = devices;
    const renamed = await call("PATCH", `/v1/devices/${other!.device.id}`, { token: me!.token, body: { label: "  Kitchen\u200b PC " } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.device).toMatchObject({ id: other!.device.id, label: "Kitchen PC", current: false });
    expect((await call("PATCH", "/v1/devices/not-a-device", { token: me!.token, body: { label: "x" } })).status).toBe(404);
    const empty = await call("PATCH", `/v1/devices/${other!.device.id}`, { token: me!.token, body: { label: "\u200b" } });
    expect(empty.status).toBe(400);
    const list = await call("GET", "/v1/devices", { token: me!.token });
    expect(list.body.devices.find((d: { id: string }) => d.id === other!.device.id).label).toBe("Kitchen PC");
  });
});

describe("sign out everywhere else", () => {
  it("ends every other sign-in at once: slots freed, refresh tokens revoked, tunnels ended at the next heartbeat", async () => {
    const gw = await provisionGateway();
    const { devices } = await plusAccountWithDevices(3);
    const [me, ...others] = devices;
    const tunnels = [];
    for (const d of devices) {
      const started = await call("POST", "/v1/tunnel/sessions", { token: d.token, body: { locationId: gw.id } });
      expect(started.status).toBe(201);
      tunnels.push(started.body.session.id as string);
    }
    const res = await call("POST", "/v1/me/sign-out-others", { token: me!.token });
    expect(res.status).toBe(200);
    expect(res.body.signedOut).toBe(2);

    const list = await call("GET", "/v1/devices", { token: me!.token });
    expect(list.body.devices.map((d: { id: string }) => d.id)).toEqual([me!.device.id]);
    for (const other of others) {
      expect((await call("GET", "/v1/me", { token: other.token })).status).toBe(401);
      const refreshed = await call("POST", "/v1/auth/refresh", { body: { refreshToken: other.refreshToken } });
      expect(refreshed.status).toBe(401);
    }
    const beat = await call("POST", "/v1/gateway/heartbeat", {
      headers: gw.auth,
      body: { activeSessions: 3, load: 0.1, sessions: tunnels },
    });
    expect(beat.status).toBe(200);
    expect(beat.body.revokedSessions.sort()).toEqual(tunnels.slice(1).sort());
    // This device keeps its sign-in and its tunnel.
    expect((await call("GET", "/v1/me", { token: me!.token })).status).toBe(200);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: me!.refreshToken } })).status).toBe(200);
    // Nothing else to end: a second call ends none.
    expect((await call("POST", "/v1/me/sign-out-others", { token: me!.token })).body.signedOut).toBe(0);
  });
});
