import { describe, expect, it } from "vitest";
import { call, credential, signIn, newDevice, register, signedIn, uniqueName } from "./client";

describe("sign-in protocol", () => {
  it("prelogin returns the account's own salt and iterations", async () => {
    const user = await register();
    const res = await call("POST", "/v1/auth/prelogin", { body: { username: user.username } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kdf: "PBKDF2-SHA256", iterations: user.cred.iterations, salt: user.cred.salt });
  });

  it("prelogin answers unknown usernames with a stable salt of the same shape", async () => {
    const name = uniqueName("ghost");
    const a = await call("POST", "/v1/auth/prelogin", { body: { username: name } });
    const b = await call("POST", "/v1/auth/prelogin", { body: { username: name.toUpperCase() } });
    const other = await call("POST", "/v1/auth/prelogin", { body: { username: uniqueName("ghost") } });
    expect(a.status).toBe(200);
    expect(a.body.kdf).toBe("PBKDF2-SHA256");
    expect(a.body.iterations).toBe(600000);
    expect(a.body.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(b.body).toEqual(a.body);
    expect(other.body.salt).not.toBe(a.body.salt);
  });

  it("registers, signs in, reads the account and refreshes with rotation", async () => {
    const username = uniqueName("Alice");
    const user = await register({ username, email: `  ${username.toUpperCase()}@Example.COM ` });
    const device = newDevice("firefox", "Firefox on Linux");
    const res = await signIn(user, device);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tokenType: "Bearer",
      expiresIn: expect.any(Number),
      account: {
        id: user.id,
        username: username.toLowerCase(),
        email: `${username.toLowerCase()}@example.com`,
        emailVerified: false,
        plan: { id: "free", name: "Free", maxDevices: 1 },
        subscription: null,
        notifyNewDevice: true,
        telemetryOptIn: false,
      },
      device: { id: device.id, kind: "firefox", label: "Firefox on Linux", current: true },
    });
    expect(res.body.expiresIn).toBeLessThanOrEqual(900);

    const me = await call("GET", "/v1/me", { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.account.id).toBe(user.id);

    const first = await call("POST", "/v1/auth/refresh", { body: { refreshToken: res.body.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(res.body.refreshToken);
    expect(first.body.device.id).toBe(device.id);
    const second = await call("POST", "/v1/auth/refresh", { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    expect((await call("GET", "/v1/me", { token: second.body.accessToken })).status).toBe(200);
  });

  it("a reused refresh token revokes the whole chain", async () => {
    const s = await signedIn();
    const rotated = await call("POST", "/v1/auth/refresh", { body: { refreshToken: s.refreshToken } });
    expect(rotated.status).toBe(200);

    const replay = await call("POST", "/v1/auth/refresh", { body: { refreshToken: s.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("unauthorized");

    // The newest token of the chain and every access token of it are dead too.
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
    expect((await call("GET", "/v1/me", { token: rotated.body.accessToken })).status).toBe(401);
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(401);
  });

  it("concurrent uses of one refresh token count as reuse: at most one wins, then the chain is revoked", async () => {
    const s = await signedIn();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", "/v1/auth/refresh", { body: { refreshToken: s.refreshToken } })),
    );
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(4);
    for (const r of results.filter((r) => r.status === 200)) {
      expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: r.body.refreshToken } })).status).toBe(401);
    }
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(401);
  });

  it("sign-out revokes the device's tokens and frees its slot", async () => {
    const s = await signedIn();
    const out = await call("POST", "/v1/auth/logout", { token: s.token });
    expect(out.status).toBe(204);
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(401);
    expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: s.refreshToken } })).status).toBe(401);
    // Free plan: one slot. Another device can now sign in.
    expect((await signIn(s.user, newDevice())).status).toBe(200);
  });

  it("signing in again from the same device reuses its slot and revokes its older tokens", async () => {
    const s = await signedIn();
    const again = await signIn(s.user, s.device);
    expect(again.status).toBe(200);
    expect((await call("GET", "/v1/me", { token: s.token })).status).toBe(401);
    const devices = await call("GET", "/v1/devices", { token: again.body.accessToken });
    expect(devices.body.devices).toHaveLength(1);
  });

  it("PATCH /v1/me toggles the telemetry opt-in, off by default", async () => {
    const s = await signedIn();
    const on = await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: true } });
    expect(on.status).toBe(200);
    expect(on.body.account.telemetryOptIn).toBe(true);
    expect((await call("GET", "/v1/me", { token: s.token })).body.account.telemetryOptIn).toBe(true);
    const off = await call("PATCH", "/v1/me", { token: s.token, body: { telemetryOptIn: false } });
    expect(off.body.account.telemetryOptIn).toBe(false);
  });

  it("a wrong authKey and an unknown username get the same answer", async () => {
    const user = await register();
    const wrongKey = await call("POST", "/v1/auth/login", {
      body: { username: user.username, authKey: user.cred.wrongAuthKey, device: newDevice() },
    });
    const unknown = await call("POST", "/v1/auth/login", {
      body: { username: uniqueName("nobody"), authKey: credential().authKey, device: newDevice() },
    });
    expect(wrongKey.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrongKey.body).toEqual(unknown.body);
    expect(wrongKey.body.code).toBe("invalid_credentials");
  });
});
