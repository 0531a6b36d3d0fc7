/**
 * Issue 20 items 4 and 7: a slot is bound to a secret only its device holds.
 * A device id learnt from a refused sign-in, an old access token or anywhere
 * else takes over nothing (a new slot with a notice, or device_limit), skips
 * no back-off, and the notice cannot be switched off without the password.
 * Through the worker's fetch, against the real DeviceSlots and RateLimiter.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { USERNAME_BACKOFF } from "../src/constants";
import { call, newDevice, newDeviceSecret, register, signIn, type TestUser } from "./client";
import { inbox, latest, settledCount } from "./mail";

const from = (address: string) => ({ "cf-connecting-ip": address });

async function verifiedOwner(plan: "free" | "plus" = "free"): Promise<TestUser> {
  const user = await register();
  await inbox(user.email, 1); // the verification link
  await env.DB.prepare("UPDATE accounts SET email_verified = 1, plan_id = ? WHERE id = ?").bind(plan, user.id).run();
  return user;
}

const signInRaw = (user: TestUser, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.authKey, ...body }, headers });

describe("a slot bound to its device's secret", () => {
  it("device_limit lists no device id; signing in with the owner's id takes no slot and signs nobody out", async () => {
    const owner = await verifiedOwner("free");
    const laptop = newDevice("firefox", "Firefox on the laptop");
    const held = await signIn(owner, laptop);
    expect(held.status).toBe(200);
    expect(held.body.device.id).toBe(laptop.id);

    // The thief has the password (not the second factor, not the laptop): refused, and told nothing it could use.
    const refused = await signIn(owner, newDevice("chrome", "thief"));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("device_limit");
    expect(refused.body.devices).toEqual([
      {
        handle: expect.any(String),
        kind: "firefox",
        label: "Firefox on the laptop",
        registeredAt: expect.any(String),
        lastActiveOn: expect.any(String),
      },
    ]);
    expect(JSON.stringify(refused.body)).not.toContain(laptop.id);

    // Even knowing the id (from anywhere): without the laptop's secret, or with another, it is a new device, and the plan is full.
    for (const secret of [undefined, newDeviceSecret()]) {
      const borrowed = await signInRaw(owner, {
        device: { id: laptop.id, kind: "firefox", label: "Firefox on the laptop", ...(secret ? { secret } : {}) },
      });
      expect(borrowed.status).toBe(409);
      expect(borrowed.body.code).toBe("device_limit");
    }
    // The handle is not a device id either.
    const handle = refused.body.devices[0].handle as string;
    expect((await signInRaw(owner, { device: { id: handle, kind: "chrome", label: "thief", secret: newDeviceSecret() } })).status).toBe(
      409,
    );

    // The owner was never signed out and keeps the slot.
    expect((await call("GET", "/v1/me", { token: held.body.accessToken })).status).toBe(200);
    const refreshed = await call("POST", "/v1/auth/refresh", { body: { refreshToken: held.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    const again = await signIn(owner, laptop);
    expect(again.status).toBe(200);
    expect(again.body.device.id).toBe(laptop.id);
  });

  it("with a free slot, a borrowed id gets a new slot under a new id, and the owner gets the new-device notice", async () => {
    const owner = await verifiedOwner("plus");
    const laptop = newDevice("firefox", "Firefox on the laptop");
    const held = await signIn(owner, laptop);
    await latest(owner.email, "New sign-in");
    const notices = await settledCount(owner.email);

    const thief = await signInRaw(owner, {
      device: { id: laptop.id, kind: "firefox", label: "Firefox on the laptop", secret: newDeviceSecret() },
    });
    expect(thief.status).toBe(200);
    expect(thief.body.device.id).not.toBe(laptop.id);
    expect(thief.body.device.registeredAt).toBe(thief.body.device.lastSeenAt);
    expect(await settledCount(owner.email)).toBe(notices + 1);
    expect((await latest(owner.email, "New sign-in")).text).toContain("Device: Firefox on the laptop (firefox)");

    // The owner is still signed in, and the list shows two devices, the thief's as new.
    expect((await call("GET", "/v1/me", { token: held.body.accessToken })).status).toBe(200);
    const list = await call("GET", "/v1/devices", { token: held.body.accessToken });
    expect(list.body.devices.map((d: { id: string }) => d.id).sort()).toEqual([laptop.id, thief.body.device.id].sort());

    // The laptop signing in again with its secret keeps its slot, with no notice.
    const again = await signIn(owner, laptop);
    expect(again.body.device.id).toBe(laptop.id);
    expect(await settledCount(owner.email)).toBe(notices + 1);
  });

  it("an access token no longer names the device", async () => {
    const owner = await register();
    const held = await signIn(owner, newDevice());
    const claims = JSON.parse(Buffer.from((held.body.accessToken as string).split(".")[1]!, "base64url").toString());
    expect(claims).not.toHaveProperty("did");
    expect(JSON.stringify(claims)).not.toContain(held.body.device.id);
    // The API still knows the device from the sign-in.
    const list = await call("GET", "/v1/devices", { token: held.body.accessToken });
    expect(list.body.devices.filter((d: { current: boolean }) => d.current).map((d: { id: string }) => d.id)).toEqual([
      held.body.device.id,
    ]);
  });

  it("frees a listed slot by its handle (replaceDevice): the replaced device is signed out and the owner notified", async () => {
    const owner = await verifiedOwner("free");
    const old = await signIn(owner, newDevice("chrome", "old"));
    const laptop = newDevice("firefox", "new laptop");
    const refused = await signIn(owner, laptop);
    const replaced = await signInRaw(owner, { device: laptop, replaceDevice: refused.body.devices[0].handle });
    expect(replaced.status).toBe(200);
    expect(replaced.body.device.id).toBe(laptop.id);
    expect((await call("GET", "/v1/me", { token: old.body.accessToken })).status).toBe(401);
    expect((await latest(owner.email, "New sign-in")).text).toContain("new laptop");
    // An unknown handle frees nothing.
    const other = await signInRaw(owner, { device: newDevice(), replaceDevice: "not-a-handle" });
    expect(other.status).toBe(409);
    expect((await call("GET", "/v1/me", { token: replaced.body.accessToken })).status).toBe(200);
  });
});

describe("slots from before device secrets", () => {
  it("are bound on the next refresh: before it a sign-in naming the id is a new device, after it the secret keeps the slot", async () => {
    const owner = await register();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(owner.id).run();
    // An old client: no secret, so the slot is unbound.
    const { secret, ...legacy } = newDevice();
    const held = await signInRaw(owner, { device: legacy });
    expect(held.body.device.id).toBe(legacy.id);

    const early = await signInRaw(owner, { device: { ...legacy, secret } });
    expect(early.body.device.id).not.toBe(legacy.id);
    expect((await call("GET", "/v1/me", { token: held.body.accessToken })).status).toBe(200);

    // The refresh token proves the device holds its slot: the secret it sends binds the slot.
    const bound = await call("POST", "/v1/auth/refresh", { body: { refreshToken: held.body.refreshToken, deviceSecret: secret } });
    expect(bound.status).toBe(200);
    // Bound once: another refresh with another secret changes nothing.
    await call("POST", "/v1/auth/refresh", { body: { refreshToken: bound.body.refreshToken, deviceSecret: newDeviceSecret() } });
    const after = await signInRaw(owner, { device: { ...legacy, secret } });
    expect(after.status).toBe(200);
    expect(after.body.device.id).toBe(legacy.id);
  });
});

describe("the sign-in back-off with a borrowed device id (item 7)", () => {
  it("16 wrong guesses naming the owner's device id, four from each of four addresses, meet a 429 with Retry-After", async () => {
    const owner = await register();
    const laptop = newDevice();
    expect((await signIn(owner, laptop, from("198.51.100.40"))).status).toBe(200);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let a = 0; a < 4; a++) {
      for (let i = 0; i < 4; i++) {
        const guess = await call("POST", "/v1/auth/login", {
          body: { username: owner.username, authKey: owner.cred.wrongAuthKey, device: { id: laptop.id, kind: "chrome", label: "x" } },
          headers: from(`203.0.113.${200 + a}`),
        });
        statuses.push(guess.status);
        if (guess.status === 429) retryAfter ??= guess.headers.get("retry-after");
      }
    }
    expect(statuses.slice(0, USERNAME_BACKOFF.freeFailures).every((s) => s === 401)).toBe(true);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The laptop itself, proving its secret, is let past the back-off at once.
    expect((await signIn(owner, laptop, from("198.51.100.41"))).status).toBe(200);
  });
});

describe("turning the new-device notice off (item 4)", () => {
  it("needs the password: refused without the authKey or with a wrong one, accepted with it; turning it on needs nothing", async () => {
    const owner = await register();
    const held = await signIn(owner, newDevice());
    const token = held.body.accessToken as string;

    const bare = await call("PATCH", "/v1/me", { token, body: { notifyNewDevice: false } });
    expect(bare.status).toBe(400);
    expect(bare.headers.get("content-type")).toContain("application/problem+json");
    expect(bare.body.code).toBe("validation_failed");
    expect(bare.body.errors).toEqual([expect.objectContaining({ path: "authKey", message: expect.stringContaining("notices off") })]);

    const wrong = await call("PATCH", "/v1/me", { token, body: { notifyNewDevice: false, authKey: owner.cred.wrongAuthKey } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_credentials");
    expect((await call("GET", "/v1/me", { token })).body.account.notifyNewDevice).toBe(true);

    const proved = await call("PATCH", "/v1/me", { token, body: { notifyNewDevice: false, authKey: owner.cred.authKey } });
    expect(proved.status).toBe(200);
    expect(proved.body.account.notifyNewDevice).toBe(false);

    const on = await call("PATCH", "/v1/me", { token, body: { notifyNewDevice: true } });
    expect(on.status).toBe(200);
    expect(on.body.account.notifyNewDevice).toBe(true);
  });
});
