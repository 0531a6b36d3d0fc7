import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, signIn, newDevice, register, signedIn } from "./client";

async function setPlan(accountId: string, plan: string) {
  await env.DB.prepare("UPDATE accounts SET plan_id = ? WHERE id = ?").bind(plan, accountId).run();
}

describe("device slots", () => {
  it("50 parallel sign-ins on a 5-device plan: exactly 5 succeed, 45 get device_limit", async () => {
    const user = await register();
    await setPlan(user.id, "plus");
    const devices = Array.from({ length: 50 }, (_, i) => newDevice("api", `script ${i}`));
    const results = await Promise.all(devices.map((d) => signIn(user, d)));

    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(45);
    const winners = new Set(ok.map((r) => r.body.device.id));
    for (const r of refused) {
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.code).toBe("device_limit");
      expect(r.body.maxDevices).toBe(5);
      expect(r.body.devices).toHaveLength(5);
      // Listed by handle and label, never by device id (issue 20 item 4).
      expect(new Set(r.body.devices.map((d: { label: string }) => d.label))).toEqual(new Set(ok.map((w) => w.body.device.label as string)));
      for (const id of winners) expect(JSON.stringify(r.body)).not.toContain(id);
    }

    // Freeing one slot lets exactly one more device in.
    const token = ok[0]!.body.accessToken;
    const victim = ok[1]!.body.device.id;
    expect((await call("DELETE", `/v1/devices/${victim}`, { token })).status).toBe(204);
    const next = await Promise.all(
      devices
        .slice(0, 10)
        .filter((d) => !winners.has(d.id))
        .map((d) => signIn(user, d)),
    );
    expect(next.filter((r) => r.status === 200)).toHaveLength(1);
    expect(next.filter((r) => r.status === 409)).toHaveLength(next.length - 1);
    const list = await call("GET", "/v1/devices", { token });
    expect(list.body.devices).toHaveLength(5);
    expect(list.body.maxDevices).toBe(5);
  });

  it("lists devices with the caller marked current", async () => {
    const user = await register();
    await setPlan(user.id, "team");
    const a = await signIn(user, newDevice("chrome", "Chrome on Linux"));
    await signIn(user, newDevice("firefox", "Firefox on Mac"));
    const list = await call("GET", "/v1/devices", { token: a.body.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.maxDevices).toBe(10);
    expect(list.body.devices).toHaveLength(2);
    const current = list.body.devices.filter((d: { current: boolean }) => d.current);
    expect(current).toEqual([expect.objectContaining({ id: a.body.device.id, label: "Chrome on Linux", kind: "chrome" })]);
    for (const d of list.body.devices) {
      expect(new Date(d.registeredAt).toISOString()).toBe(d.registeredAt);
      expect(new Date(d.lastSeenAt).toISOString()).toBe(d.lastSeenAt);
    }
  });

  it("a device signing in again as it was is not rewritten within a minute; a new label or kind is", async () => {
    const user = await register();
    const device = newDevice("chrome", "Chrome on Linux");
    const sealed = () =>
      runInDurableObject(env.DEVICE_SLOTS.get(env.DEVICE_SLOTS.idFromName(user.id)), (_o, state) => state.storage.get<string>("devices"));
    const first = await signIn(user, device);
    expect(first.status).toBe(200);
    const stored = await sealed();
    // Every write seals afresh (new IV), so an equal record is one that was not written again.
    const again = await signIn(user, device);
    expect(again.status).toBe(200);
    expect(await sealed()).toBe(stored);
    expect(Date.parse(again.body.device.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(first.body.device.lastSeenAt));
    expect(again.body.device.registeredAt).toBe(first.body.device.registeredAt);

    const renamed = await signIn(user, { ...device, label: "Chrome on the laptop" });
    expect(renamed.status).toBe(200);
    expect(await sealed()).not.toBe(stored);
    const list = await call("GET", "/v1/devices", { token: renamed.body.accessToken });
    expect(list.body.devices).toEqual([expect.objectContaining({ id: device.id, label: "Chrome on the laptop", kind: "chrome" })]);
  });

  it("removing a device revokes its tokens at once", async () => {
    const user = await register();
    await setPlan(user.id, "plus");
    const a = await signIn(user, newDevice());
    const b = await signIn(user, newDevice());
    expect((await call("DELETE", `/v1/devices/${b.body.device.id}`, { token: a.body.accessToken })).status).toBe(204);
    expect((await call("GET", "/v1/me", { token: b.body.accessToken })).status).toBe(401);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: b.body.refreshToken } })).status).toBe(401);
    expect((await call("GET", "/v1/me", { token: a.body.accessToken })).status).toBe(200);
  });

  it("another account's device id answers 404 and changes nothing", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const res = await call("DELETE", `/v1/devices/${bob.device.id}`, { token: alice.token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect((await call("GET", "/v1/me", { token: bob.token })).status).toBe(200);
  });

  it("a full account can free a listed slot while signing in (replaceDevice)", async () => {
    const s = await signedIn();
    const laptop = newDevice("firefox", "Firefox on laptop");
    const refused = await signIn(s.user, laptop);
    expect(refused.status).toBe(409);
    expect(refused.body.devices.map((d: { label: string }) => d.label)).toEqual([s.device.label]);

    const replaced = await call("POST", "/v1/auth/login", {
      body: { username: s.user.username, authKey: s.user.cred.authKey, device: laptop, replaceDevice: refused.body.devices[0].handle },
    });
    expect(replaced.status).toBe(200);
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(401);
    const list = await call("GET", "/v1/devices", { token: replaced.body.accessToken });
    expect(list.body.devices.map((d: { id: string }) => d.id)).toEqual([laptop.id]);
  });

  it("replaceDevice with a wrong password frees nothing", async () => {
    const s = await signedIn();
    const handle = (await signIn(s.user, newDevice())).body.devices[0].handle as string;
    const res = await call("POST", "/v1/auth/login", {
      body: { username: s.user.username, authKey: s.user.cred.wrongAuthKey, device: newDevice(), replaceDevice: handle },
    });
    expect(res.status).toBe(401);
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(200);
  });
});
