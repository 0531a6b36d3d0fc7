/**
 * Attackers spread over many addresses cannot lock the owner out: the
 * per-username limit is a back-off capped at a few minutes, and a device that
 * holds one of the account's slots skips it. Runs against the real
 * RateLimiter and DeviceSlots Durable Objects through the worker's fetch.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { USERNAME_BACKOFF } from "../src/constants";
import { blindIndex } from "../src/crypto/keyed-hash";
import { serverKeys } from "../src/crypto/keys";
import { backoffDelayMs } from "../src/throttle/rate-limiter";
import { call, signIn, newDevice, register, type TestUser } from "./client";

const from = (address: string) => ({ "cf-connecting-ip": address });

async function usernameThrottle(username: string) {
  const index = await blindIndex((await serverKeys(env)).index, "username", username);
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`user:${index}`));
}

function wrongSignIn(user: TestUser, address: string, device = newDevice()) {
  return call("POST", "/v1/auth/login", {
    body: { username: user.username, authKey: user.cred.wrongAuthKey, device },
    headers: from(address),
  });
}

describe("owner lockout", () => {
  it("after 200 failures from 40 addresses the owner signs in from a known device at once, and from a new one within the capped delay", async () => {
    const owner = await register();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(owner.id).run();
    const laptop = newDevice("firefox", "Firefox on the laptop");
    expect((await signIn(owner, laptop, from("198.51.100.10"))).status).toBe(200);

    // 40 addresses, 5 wrong keys each, the addresses in parallel.
    const answers = (
      await Promise.all(
        Array.from({ length: 40 }, async (_, a) => {
          const statuses: number[] = [];
          for (let i = 0; i < 5; i++) statuses.push((await wrongSignIn(owner, `203.0.113.${a + 1}`)).status);
          return statuses;
        }),
      )
    ).flat();
    expect(answers).toHaveLength(200);
    expect(answers.every((s) => s === 401 || s === 429)).toBe(true);
    expect(answers.filter((s) => s === 401).length).toBeGreaterThanOrEqual(USERNAME_BACKOFF.freeFailures);

    // The laptop holds a slot: it is let through at once, from any address.
    const known = await signIn(owner, laptop, from("198.51.100.11"));
    expect(known.status).toBe(200);
    expect(known.body.device.id).toBe(laptop.id);

    // A new device waits, but never longer than the back-off's cap.
    const phone = newDevice("chrome", "Chrome on the phone");
    const waiting = await signIn(owner, phone, from("198.51.100.12"));
    expect(waiting.status).toBe(429);
    expect(waiting.body.code).toBe("rate_limited");
    const retryAfter = Number(waiting.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(USERNAME_BACKOFF.maxDelayMs / 1000);

    // Let that much time pass for the limiter (move its last failure back), then the new device gets in.
    await runInDurableObject(await usernameThrottle(owner.username), async (_instance, state) => {
      const backoff = await state.storage.get<{ count: number; lastAt: number; resetAt: number }>("backoff");
      expect(backoff).toBeDefined();
      await state.storage.put("backoff", { ...backoff!, lastAt: backoff!.lastAt - retryAfter * 1000 });
    });
    const later = await signIn(owner, phone, from("198.51.100.12"));
    expect(later.status).toBe(200);
    expect(later.body.device.id).toBe(phone.id);
  });

  it("a wrong key from a known device still counts against that username from that address", async () => {
    const owner = await register();
    const laptop = newDevice();
    expect((await signIn(owner, laptop, from("198.51.100.20"))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await wrongSignIn(owner, "198.51.100.21", laptop)).status).toBe(401);
    const limited = await signIn(owner, laptop, from("198.51.100.21"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // From its usual address the laptop is fine.
    expect((await signIn(owner, laptop, from("198.51.100.20"))).status).toBe(200);
  });

  it("a device id that holds no slot is not exempt, even one of another account", async () => {
    const owner = await register();
    const other = await register();
    const othersDevice = newDevice();
    expect((await signIn(other, othersDevice, from("198.51.100.30"))).status).toBe(200);
    for (let a = 0; a < USERNAME_BACKOFF.freeFailures; a++) expect((await wrongSignIn(owner, `203.0.113.${100 + a}`)).status).toBe(401);
    // Three more failures make the wait 8 s, far longer than this test takes.
    const throttle = await usernameThrottle(owner.username);
    for (let i = 0; i < 3; i++) await throttle.recordBackoffFailure("backoff", Date.now(), USERNAME_BACKOFF);
    expect((await signIn(owner, othersDevice, from("198.51.100.31"))).status).toBe(429);
    expect((await signIn(owner, newDevice(), from("198.51.100.31"))).status).toBe(429);
  });

  it("a signed-in owner re-proving the password (change, erase) is not slowed by attackers elsewhere", async () => {
    const owner = await register();
    const laptop = newDevice();
    const firstSignIn = await signIn(owner, laptop, from("198.51.100.40"));
    expect(firstSignIn.status).toBe(200);
    for (let a = 0; a < USERNAME_BACKOFF.freeFailures; a++) expect((await wrongSignIn(owner, `203.0.113.${150 + a}`)).status).toBe(401);
    const throttle = await usernameThrottle(owner.username);
    for (let i = 0; i < 3; i++) await throttle.recordBackoffFailure("backoff", Date.now(), USERNAME_BACKOFF);
    // A new device waits; the laptop's own requests that re-prove the password do not.
    expect((await signIn(owner, newDevice(), from("198.51.100.41"))).status).toBe(429);
    const erased = await call("DELETE", "/v1/me", {
      token: firstSignIn.body.accessToken,
      body: { authKey: owner.cred.authKey },
      headers: from("198.51.100.40"),
    });
    expect(erased.status).toBe(204);
  });

  it("the per-username wait grows gradually: 1 s after the free failures, doubling, capped at 5 minutes", async () => {
    const owner = await register();
    const throttle = await usernameThrottle(owner.username);
    const start = Date.now();
    const waits: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const at = start + i * 10;
      await throttle.recordBackoffFailure("backoff", at, USERNAME_BACKOFF);
      waits.push(await throttle.backoffRetryAfter("backoff", at, USERNAME_BACKOFF));
    }
    expect(waits.slice(0, 9)).toEqual(Array(9).fill(0));
    expect(waits.slice(9, 14)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...waits)).toBe(300);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]!);
    expect(backoffDelayMs(1000, USERNAME_BACKOFF)).toBe(USERNAME_BACKOFF.maxDelayMs);
    // Forgotten a quarter of an hour after the last failure.
    const last = start + 200;
    expect(await throttle.backoffRetryAfter("backoff", last + USERNAME_BACKOFF.forgetAfterMs, USERNAME_BACKOFF)).toBe(0);
  });
});
