/** Every error code the account and sign-in routes can produce, each as RFC 9457 problem+json. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, credential, signIn, newDevice, register, registration, signedIn, uniqueName } from "./client";

function expectProblem(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.body).toMatchObject({
    type: `https://cargovpn.dev/problems/${code}`,
    title: expect.any(String),
    status,
    code,
    detail: expect.any(String),
  });
  expect(res.body.detail.length).toBeGreaterThan(10);
}

async function accountCount(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM accounts").first<{ n: number }>())!.n;
}

describe("problem answers", () => {
  it("validation_failed lists each bad field with its path", async () => {
    const res = await call("POST", "/v1/accounts", { body: registration({ email: "nope", kdf: { salt: "x", iterations: 1000 } }) });
    expectProblem(res, 400, "validation_failed");
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["email", "kdf.iterations", "kdf.salt"]);
    for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
  });

  it("iterations above 10000000 are refused", async () => {
    expectProblem(
      await call("POST", "/v1/accounts", { body: registration({ kdf: { salt: credential().salt, iterations: 10_000_001 } }) }),
      400,
      "validation_failed",
    );
  });

  it("malformed_json", async () => {
    expectProblem(
      await call("POST", "/v1/auth/prelogin", { raw: '{"username": ', headers: { "content-type": "application/json" } }),
      400,
      "malformed_json",
    );
  });

  it("unsupported_media_type", async () => {
    const res = await call("POST", "/v1/auth/prelogin", {
      raw: "username=alice",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectProblem(res, 415, "unsupported_media_type");
  });

  it("payload_too_large before parsing", async () => {
    const big = JSON.stringify({ username: "a".repeat(70 * 1024) });
    expectProblem(
      await call("POST", "/v1/auth/prelogin", { raw: big, headers: { "content-type": "application/json" } }),
      413,
      "payload_too_large",
    );
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    expectProblem(
      await call("POST", "/v1/accounts", { raw: chunked, headers: { "content-type": "application/json" } }),
      413,
      "payload_too_large",
    );
  });

  it("unauthorized without, or with a junk, bearer token", async () => {
    expectProblem(await call("GET", "/v1/me"), 401, "unauthorized");
    expectProblem(await call("GET", "/v1/devices", { token: "junk" }), 401, "unauthorized");
    expectProblem(await call("POST", "/v1/auth/logout", { headers: { authorization: "Basic Zm9vOmJhcg==" } }), 401, "unauthorized");
    expectProblem(await call("POST", "/v1/auth/refresh", { body: { refreshToken: "not-a-token" } }), 401, "unauthorized");
  });

  it("invalid_credentials", async () => {
    const user = await register();
    expectProblem(
      await call("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.wrongAuthKey, device: newDevice() } }),
      401,
      "invalid_credentials",
    );
  });

  it("not_found for unknown routes and unknown devices", async () => {
    expectProblem(await call("GET", "/v1/nothing-here"), 404, "not_found");
    const s = await signedIn();
    expectProblem(await call("DELETE", "/v1/devices/does-not-exist", { token: s.token }), 404, "not_found");
  });

  it("username_taken and email_taken, also for case and Unicode variants, storing nothing", async () => {
    const user = await register();
    const before = await accountCount();
    const fullwidth = [...user.username]
      .map((ch) => (/[a-z]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) - 0x61 + 0xff41) : ch))
      .join("");
    expectProblem(
      await call("POST", "/v1/accounts", { body: registration({ username: user.username.toUpperCase() }) }),
      409,
      "username_taken",
    );
    expectProblem(await call("POST", "/v1/accounts", { body: registration({ username: fullwidth }) }), 409, "username_taken");
    expectProblem(
      await call("POST", "/v1/accounts", { body: registration({ email: ` ${user.email.toUpperCase()}` }) }),
      409,
      "email_taken",
    );
    expect(await accountCount()).toBe(before);
  });

  it("concurrent registrations of one username: exactly one account", async () => {
    const name = uniqueName("race");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call("POST", "/v1/accounts", { body: registration({ username: name, email: `${name}-${i}@example.com` }) }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, "username_taken");
  });

  it("device_limit carries devices and maxDevices and issues no token", async () => {
    const s = await signedIn();
    const res = await signIn(s.user, newDevice());
    expectProblem(res, 409, "device_limit");
    expect(res.body.maxDevices).toBe(1);
    // By handle, never by device id (issue 20 item 4).
    expect(res.body.devices).toEqual([expect.objectContaining({ handle: expect.any(String), label: s.device.label })]);
    expect(res.body.devices[0].id).toBeUndefined();
    expect(res.body.accessToken).toBeUndefined();
  });

  it("age_requirement unless ageConfirmed is exactly true, storing nothing", async () => {
    const before = await accountCount();
    for (const ageConfirmed of [false, undefined, "true", 1, null]) {
      const body = registration({ ageConfirmed });
      if (ageConfirmed === undefined) delete (body as Record<string, unknown>).ageConfirmed;
      expectProblem(await call("POST", "/v1/accounts", { body }), 422, "age_requirement");
    }
    expect(await accountCount()).toBe(before);
  });

  it("rate_limited with Retry-After after repeated failures, while another client still signs in", async () => {
    const user = await register();
    const attacker = { "cf-connecting-ip": "203.0.113.7" };
    const bad = () =>
      call("POST", "/v1/auth/login", {
        body: { username: user.username, authKey: user.cred.wrongAuthKey, device: newDevice() },
        headers: attacker,
      });
    for (let i = 0; i < 5; i++) expectProblem(await bad(), 401, "invalid_credentials");
    const limited = await bad();
    expectProblem(limited, 429, "rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Even the right key from the throttled client waits.
    expectProblem(await signIn(user, newDevice(), attacker), 429, "rate_limited");
    // The owner on another client is not locked out.
    expect((await signIn(user, newDevice(), { "cf-connecting-ip": "198.51.100.20" })).status).toBe(200);
  });

  it("one client failing across many usernames is limited too", async () => {
    const client = { "cf-connecting-ip": "203.0.113.99" };
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 21; i++) {
      last = await call("POST", "/v1/auth/login", {
        body: { username: uniqueName("spray"), authKey: credential().authKey, device: newDevice() },
        headers: client,
      });
    }
    expectProblem(last!, 429, "rate_limited");
  });
});
