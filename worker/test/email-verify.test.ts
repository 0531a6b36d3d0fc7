/** Registration sends a verification link; the link's token verifies the address once. */
import { createScheduledController, env } from "cloudflare:test";
import worker from "../src/index";
import { describe, expect, it } from "vitest";
import { call, register, signedIn } from "./client";
import { inbox, latest, linkToken } from "./mail";

describe("email verification", () => {
  it("registration sends a link whose token verifies the address, once", async () => {
    const s = await signedIn();
    expect((await call("GET", "/v1/me", { token: s.token })).body.account.emailVerified).toBe(false);
    const [message] = await inbox(s.user.email);
    expect(message!.subject).toContain("Confirm your email");
    expect(message!.text).toMatch(/\/account\/verify-email\?lang=en#token=[A-Za-z0-9_-]{43}\n/);
    const token = linkToken(message!);

    const verified = await call("POST", "/v1/email/verify", { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ emailVerified: true });
    expect((await call("GET", "/v1/me", { token: s.token })).body.account.emailVerified).toBe(true);

    const again = await call("POST", "/v1/email/verify", { body: { token } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("invalid_token");
  });

  it("a wrong, expired or other-purpose token is 400 invalid_token and changes nothing", async () => {
    const user = await register();
    const token = linkToken(await latest(user.email, "Confirm"));
    const row = () => env.DB.prepare("SELECT email_verified FROM accounts WHERE id = ?").bind(user.id).first<{ email_verified: number }>();
    for (const bad of ["", "nope", `${token}x`, token.slice(0, -1)]) {
      const res = await call("POST", "/v1/email/verify", { body: { token: bad } });
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe("invalid_token");
    }
    // A verification token is no reset or deletion token.
    expect((await call("POST", "/v1/auth/deletion-request/confirm", { body: { token } })).body.code).toBe("invalid_token");
    // Expired: moved 24 h + 1 s into the past.
    await env.DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE account_id = ?")
      .bind(Date.now() - 1000, user.id)
      .run();
    const expired = await call("POST", "/v1/email/verify", { body: { token } });
    expect(expired.body.code).toBe("invalid_token");
    expect((await row())!.email_verified).toBe(0);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE id = ?").bind(user.id).first<{ n: number }>())!.n).toBe(1);
  });

  it("the cron trigger deletes expired link tokens and keeps live ones", async () => {
    const user = await register();
    await latest(user.email, "Confirm");
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM email_tokens WHERE account_id = ?").bind(user.id).first<{ n: number }>())!.n;
    expect(await count()).toBe(1);
    const run = async (at: number) => {
      const pending: Promise<unknown>[] = [];
      const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
      await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env, ctx);
      await Promise.all(pending);
    };
    await run(Date.now() + 23 * 3600_000);
    expect(await count()).toBe(1);
    await run(Date.now() + 25 * 3600_000);
    expect(await count()).toBe(0);
  });
});
