/**
 * Two-factor sign-in (issue 18) through the real worker: enrolment with a
 * first code, the two-step sign-in, each time step accepted once, recovery
 * codes spent on use and replaced together, turning it off with the password
 * and a code, the per-account limit, the notices, and what is stored. Codes
 * are computed here from the secret the API handed out, as an authenticator
 * app would.
 */
import { createScheduledController, env } from "cloudflare:test";
import worker from "../src/index";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { call, newDevice, register, signIn, signedIn, type TestUser } from "./client";
import { catcher, inbox, latest } from "./mail";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

const PERIOD_MS = 30_000;

/** The code an authenticator app shows `steps` periods from now. */
function codeAt(secret: string, steps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + steps * PERIOD_MS });
}

/** Waits until at least `seconds` are left in the current time step, so codes computed now stay in their step while used. */
async function roomInStep(seconds = 8): Promise<void> {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

interface Enrolled {
  user: TestUser;
  token: string;
  secret: string;
  recoveryCodes: string[];
}

/** Registers (on the Plus plan), signs in and turns TOTP on, confirming with the previous step's code (so now and the next step are still free). */
async function enrolled(): Promise<Enrolled> {
  const s = await signedIn();
  // Plus: five slots, so the tests can sign several devices in; verified, so the notices are sent (notices.ts).
  await env.DB.prepare("UPDATE accounts SET plan_id = 'plus', email_verified = 1 WHERE id = ?").bind(s.user.id).run();
  const start = await call("POST", "/v1/me/two-factor/totp", { token: s.token, body: { authKey: s.user.cred.authKey } });
  expect(start.status).toBe(200);
  await roomInStep();
  const confirm = await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code: codeAt(start.body.secret, -1) } });
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  return { user: s.user, token: s.token, secret: start.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}

async function challengeFor(user: TestUser, device = newDevice()) {
  const res = await signIn(user, device);
  expect(res.status).toBe(401);
  expect(res.body.code).toBe("second_factor_required");
  return res.body.challenge as string;
}

const status = (token: string) => call("GET", "/v1/me/two-factor", { token }).then((r) => r.body);

describe("enrolling an authenticator app", () => {
  it("needs the password, gives a secret and an otpauth URI, and turns on only with a right first code", async () => {
    const s = await signedIn();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus', email_verified = 1 WHERE id = ?").bind(s.user.id).run();
    const wrongKey = await call("POST", "/v1/me/two-factor/totp", { token: s.token, body: { authKey: s.user.cred.wrongAuthKey } });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.code).toBe("invalid_credentials");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM two_factor WHERE account_id = ?").bind(s.user.id).first("n")).toBe(0);

    // The server cannot read the username (issue 18 item 5): the app's label is the name the client sends.
    const start = await call("POST", "/v1/me/two-factor/totp", {
      token: s.token,
      body: { authKey: s.user.cred.authKey, accountName: s.user.username },
    });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ algorithm: "SHA1", digits: 6, period: 30 });
    expect(start.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(start.body.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(start.body.secret);
    expect(uri.searchParams.get("issuer")).toBe("Cargo VPN");
    expect(decodeURIComponent(uri.pathname)).toContain(s.user.username);

    await roomInStep();
    const wrong = await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code: codeAt(start.body.secret, 3) } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_code");
    expect(await status(s.token)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });
    // Sign-in still needs only the password.
    expect((await signIn(s.user)).status).toBe(200);

    const right = await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code: codeAt(start.body.secret) } });
    expect(right.status).toBe(200);
    expect(right.body.recoveryCodes).toHaveLength(10);
    expect(new Set(right.body.recoveryCodes).size).toBe(10);
    for (const code of right.body.recoveryCodes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(await status(s.token)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const notice = await latest(s.user.email, "Two-factor sign-in is on");
    expect(notice.text).not.toContain(start.body.secret);

    // On already: a second enrolment is refused and the secret stays.
    const again = await call("POST", "/v1/me/two-factor/totp", { token: s.token, body: { authKey: s.user.cred.authKey } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("two_factor_enabled");
    await roomInStep();
    expect(
      (
        await call("POST", "/v1/auth/second-factor", {
          body: { challenge: await challengeFor(s.user), code: codeAt(start.body.secret, 1) },
        })
      ).status,
    ).toBe(200);
  });

  it("refuses a confirmation with nothing started, and one after the enrolment expired", async () => {
    const s = await signedIn();
    const none = await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code: "123456" } });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe("two_factor_not_enabled");
    const start = await call("POST", "/v1/me/two-factor/totp", { token: s.token, body: { authKey: s.user.cred.authKey } });
    await env.DB.prepare("UPDATE two_factor SET started_at = started_at - 16 * 60 * 1000 WHERE account_id = ?").bind(s.user.id).run();
    const late = await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code: codeAt(start.body.secret) } });
    expect(late.status).toBe(409);
    expect((await status(s.token)).enabled).toBe(false);
  });

  it("validates codes: six digits only", async () => {
    const s = await signedIn();
    for (const code of ["12345", "1234567", "abcdef", 123456]) {
      const res = await call("POST", "/v1/me/two-factor/totp/confirm", { token: s.token, body: { code } });
      expect(res.status, String(code)).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
  });
});

describe("signing in with a second factor", () => {
  it("answers a challenge instead of tokens, and takes no slot until a code completes it", async () => {
    const e = await enrolled();
    // Notices go to verified addresses only (email-attacker-labels.test.ts).
    await env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(e.user.id).run();
    const device = newDevice("firefox", "Firefox at home");
    const first = await signIn(e.user, device);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ code: "second_factor_required", methods: ["totp", "recovery_code"] });
    expect(first.body.accessToken).toBeUndefined();
    expect(Date.parse(first.body.challengeExpiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    const before = await call("GET", "/v1/devices", { token: e.token });
    expect(before.body.devices.map((d: { id: string }) => d.id)).not.toContain(device.id);

    await roomInStep();
    const done = await call("POST", "/v1/auth/second-factor", { body: { challenge: first.body.challenge, code: codeAt(e.secret) } });
    expect(done.status).toBe(200);
    expect(done.body.device).toMatchObject({ id: device.id, label: "Firefox at home", current: true });
    expect((await call("GET", "/v1/me", { token: done.body.accessToken })).status).toBe(200);
    // A device new to the account gets the new-device notice once the second step took its slot.
    await expect
      .poll(
        async () =>
          (await catcher().inbox(e.user.email)).some(
            (m) => m.subject.includes("New sign-in") && m.text.includes("Device: Firefox at home (firefox)"),
          ),
        {
          timeout: 15_000,
        },
      )
      .toBe(true);
  });

  it("refuses a wrong or expired code and keeps the challenge; each step works once; a challenge works once", async () => {
    const e = await enrolled();
    const challenge = await challengeFor(e.user);
    await roomInStep();
    const expired = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret, -2) } });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe("invalid_code");
    const wrong = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret, 5) } });
    expect(wrong.body.code).toBe("invalid_code");
    // The step confirmed at enrolment is spent already.
    const enrolmentCode = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret, -1) } });
    expect(enrolmentCode.body.code).toBe("invalid_code");

    const code = codeAt(e.secret);
    const ok = await call("POST", "/v1/auth/second-factor", { body: { challenge, code } });
    expect(ok.status).toBe(200);
    const reusedChallenge = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret, 1) } });
    expect(reusedChallenge.status).toBe(401);
    expect(reusedChallenge.body.code).toBe("invalid_challenge");

    const next = await challengeFor(e.user);
    const replay = await call("POST", "/v1/auth/second-factor", { body: { challenge: next, code } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("invalid_code");
    expect(replay.body.detail).toContain("already used");
    // The refusals changed nothing: the challenge still completes with the next step's code.
    expect((await call("POST", "/v1/auth/second-factor", { body: { challenge: next, code: codeAt(e.secret, 1) } })).status).toBe(200);
  });

  it("refuses an expired challenge, and one of an account that turned two-factor off meanwhile", async () => {
    const e = await enrolled();
    const challenge = await challengeFor(e.user);
    await env.DB.prepare("UPDATE sign_in_challenges SET expires_at = ? WHERE account_id = ?")
      .bind(Date.now() - 1, e.user.id)
      .run();
    await roomInStep();
    const late = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret) } });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("invalid_challenge");
    // Nothing was spent: the same code completes a fresh challenge.
    expect(
      (await call("POST", "/v1/auth/second-factor", { body: { challenge: await challengeFor(e.user), code: codeAt(e.secret) } })).status,
    ).toBe(200);
    const unknown = await call("POST", "/v1/auth/second-factor", { body: { challenge: "no-such-challenge", code: "123456" } });
    expect(unknown.body.code).toBe("invalid_challenge");
  });

  it("lets exactly one of two concurrent completions of one challenge through", async () => {
    const e = await enrolled();
    const challenge = await challengeFor(e.user);
    await roomInStep();
    const code = codeAt(e.secret);
    const answers = await Promise.all([0, 1, 2, 3].map(() => call("POST", "/v1/auth/second-factor", { body: { challenge, code } })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 200)) expect(["invalid_code", "invalid_challenge"]).toContain(a.body.code);
  });

  it("says device_limit at the password step, before any code is typed", async () => {
    const e = await enrolled();
    // The free plan: one slot, held by the enrolling device.
    await env.DB.prepare("UPDATE accounts SET plan_id = 'free' WHERE id = ?").bind(e.user.id).run();
    const res = await signIn(e.user, newDevice());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("device_limit");
  });

  it("carries replaceDevice through the challenge: the freed slot is taken once the code is right", async () => {
    const e = await enrolled();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'free' WHERE id = ?").bind(e.user.id).run();
    const device = newDevice("edge", "Edge at work");
    // The handle comes from the refusal, which is answered once the password is right, before the code.
    const refused = await signIn(e.user, device);
    expect(refused.body.code).toBe("device_limit");
    const held = refused.body.devices[0].handle as string;
    const first = await call("POST", "/v1/auth/login", {
      body: { username: e.user.username, authKey: e.user.cred.authKey, device, replaceDevice: held },
    });
    expect(first.body.code).toBe("second_factor_required");
    // Nothing is freed before the second step.
    expect((await call("GET", "/v1/me", { token: e.token })).status).toBe(200);
    await roomInStep();
    const done = await call("POST", "/v1/auth/second-factor", { body: { challenge: first.body.challenge, code: codeAt(e.secret) } });
    expect(done.status).toBe(200);
    expect((await call("GET", "/v1/me", { token: e.token })).status).toBe(401);
    const list = await call("GET", "/v1/devices", { token: done.body.accessToken });
    expect(list.body.devices.map((d: { id: string }) => d.id)).toEqual([device.id]);
  });

  it("limits wrong codes per account: after ten, even the right code waits", async () => {
    const e = await enrolled();
    const challenge = await challengeFor(e.user);
    await roomInStep(12);
    for (let i = 0; i < 10; i++) {
      const res = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret, 4 + i) } });
      expect(res.body.code).toBe("invalid_code");
    }
    const blocked = await call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret) } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts each attempt before checking it: twenty parallel wrong guesses get ten tries, the rest 429", async () => {
    const e = await enrolled();
    const challenge = await challengeFor(e.user);
    await roomInStep(12);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call("POST", "/v1/auth/second-factor", { body: { challenge, code: codeAt(e.secret, 4 + (i % 20)) } }),
      ),
    );
    const codes = answers.map((a) => a.body.code).sort();
    expect(codes.filter((c) => c === "invalid_code")).toHaveLength(10);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(10);
  });

  it("a right code gives its attempt back, so the owner's own sign-ins never fill the window", async () => {
    const e = await enrolled();
    await roomInStep(12);
    for (let i = 0; i < 9; i++) {
      expect(
        (await call("POST", "/v1/auth/second-factor", { body: { challenge: await challengeFor(e.user), code: codeAt(e.secret, 5 + i) } }))
          .body.code,
      ).toBe("invalid_code");
    }
    // Nine failures in the window; right codes (this step, then the next) still get through, twice.
    expect(
      (await call("POST", "/v1/auth/second-factor", { body: { challenge: await challengeFor(e.user), code: codeAt(e.secret) } })).status,
    ).toBe(200);
    expect(
      (await call("POST", "/v1/auth/second-factor", { body: { challenge: await challengeFor(e.user), code: codeAt(e.secret, 1) } })).status,
    ).toBe(200);
  });
});

describe("recovery codes", () => {
  it("sign in once each in place of a code, say so by mail, and are replaced all together", async () => {
    const e = await enrolled();
    const [first, second] = e.recoveryCodes;
    const device = newDevice("chrome", "Borrowed laptop");
    const used = await call("POST", "/v1/auth/second-factor", {
      body: { challenge: await challengeFor(e.user, device), recoveryCode: first!.toUpperCase().replace("-", " ") },
    });
    expect(used.status).toBe(200);
    const notice = await latest(e.user.email, "A recovery code was used");
    expect(notice.text).toContain("Device: Borrowed laptop (chrome)");
    expect(notice.text).toContain("Recovery codes left: 9");
    expect(notice.text).not.toContain(first!);
    expect((await status(used.body.accessToken)).recoveryCodesLeft).toBe(9);

    const spent = await call("POST", "/v1/auth/second-factor", {
      body: { challenge: await challengeFor(e.user, device), recoveryCode: first },
    });
    expect(spent.status).toBe(401);
    expect(spent.body.code).toBe("invalid_code");
    expect((await status(used.body.accessToken)).recoveryCodesLeft).toBe(9);

    await roomInStep();
    const regenerate = await call("POST", "/v1/me/two-factor/recovery-codes", {
      token: used.body.accessToken,
      body: { authKey: e.user.cred.authKey, code: codeAt(e.secret) },
    });
    expect(regenerate.status).toBe(200);
    expect(regenerate.body.recoveryCodes).toHaveLength(10);
    expect(regenerate.body.recoveryCodes).not.toContain(second);
    const old = await call("POST", "/v1/auth/second-factor", {
      body: { challenge: await challengeFor(e.user, device), recoveryCode: second },
    });
    expect(old.body.code).toBe("invalid_code");
    const fresh = await call("POST", "/v1/auth/second-factor", {
      body: { challenge: await challengeFor(e.user, device), recoveryCode: regenerate.body.recoveryCodes[0] },
    });
    expect(fresh.status).toBe(200);
  });

  it("takes exactly one of code and recoveryCode", async () => {
    for (const body of [
      { challenge: "x" },
      { challenge: "x", code: "123456", recoveryCode: "abcde-12345" },
      { challenge: "x", recoveryCode: "short" },
    ]) {
      const res = await call("POST", "/v1/auth/second-factor", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
  });
});

describe("turning two-factor sign-in off", () => {
  it("needs the password and a current code; then sign-in needs only the password and the codes are gone", async () => {
    const e = await enrolled();
    await roomInStep();
    const wrongKey = await call("DELETE", "/v1/me/two-factor", {
      token: e.token,
      body: { authKey: e.user.cred.wrongAuthKey, code: codeAt(e.secret) },
    });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.code).toBe("invalid_credentials");
    const wrongCode = await call("DELETE", "/v1/me/two-factor", {
      token: e.token,
      body: { authKey: e.user.cred.authKey, code: codeAt(e.secret, 4) },
    });
    expect(wrongCode.body.code).toBe("invalid_code");
    const noCode = await call("DELETE", "/v1/me/two-factor", { token: e.token, body: { authKey: e.user.cred.authKey } });
    expect(noCode.status).toBe(400);
    expect((await status(e.token)).enabled).toBe(true);

    const off = await call("DELETE", "/v1/me/two-factor", {
      token: e.token,
      body: { authKey: e.user.cred.authKey, code: codeAt(e.secret) },
    });
    expect(off.status).toBe(204);
    expect(await status(e.token)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });
    await latest(e.user.email, "Two-factor sign-in is off");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = ?").bind(e.user.id).first("n")).toBe(0);
    expect((await signIn(e.user)).status).toBe(200);
    const again = await call("DELETE", "/v1/me/two-factor", { token: e.token, body: { authKey: e.user.cred.authKey, code: "123456" } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("two_factor_not_enabled");
  });
});

describe("notices go to verified addresses only (issue 20 item 2's rule)", () => {
  it("an unverified address hears nothing of on, recovery-code sign-in or off; once verified, it does", async () => {
    const s = await signedIn();
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(s.user.id).run();
    const turnOn = async (token: string) => {
      const start = await call("POST", "/v1/me/two-factor/totp", { token, body: { authKey: s.user.cred.authKey } });
      await roomInStep();
      const confirm = await call("POST", "/v1/me/two-factor/totp/confirm", { token, body: { code: codeAt(start.body.secret, -1) } });
      expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
      return { secret: start.body.secret as string, recoveryCodes: confirm.body.recoveryCodes as string[] };
    };
    const on = await turnOn(s.token);
    const used = await call("POST", "/v1/auth/second-factor", {
      body: { challenge: await challengeFor(s.user), recoveryCode: on.recoveryCodes[0] },
    });
    expect(used.status).toBe(200);
    const off = await call("DELETE", "/v1/me/two-factor", {
      token: used.body.accessToken,
      body: { authKey: s.user.cred.authKey, code: codeAt(on.secret) },
    });
    expect(off.status).toBe(204);
    // A fence: the verification link asked for after all three arrives after anything they queued.
    expect((await call("POST", "/v1/me/email/verification", { token: used.body.accessToken })).status).toBe(202);
    const messages = await inbox(s.user.email, 2);
    expect(messages.map((m) => m.subject)).toEqual([
      expect.stringContaining("Confirm your email"),
      expect.stringContaining("Confirm your email"),
    ]);

    // Positive control: the same steps on a verified address are told.
    await env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(s.user.id).run();
    await turnOn(used.body.accessToken);
    await latest(s.user.email, "Two-factor sign-in is on");
  });
});

describe("what two-factor sign-in stores", () => {
  it("keeps the secret sealed, the recovery codes and challenges hashed, and erasure removes all of it", async () => {
    const e = await enrolled();
    const challenge = await challengeFor(e.user);
    const d1 = await dumpD1();
    const objects = await dumpDurableObjects();
    // Positive control: the dump does hold the rows.
    expect(d1).toContain(e.user.id);
    for (const secret of [
      e.secret,
      e.secret.toLowerCase(),
      challenge,
      ...e.recoveryCodes,
      ...e.recoveryCodes.map((c) => c.replace("-", "")),
    ]) {
      expect(d1).not.toContain(secret);
      expect(objects).not.toContain(secret);
    }
    // The export says two-factor sign-in is on, and never carries the secret or a code.
    const exported = await call("GET", "/v1/me/export", { token: e.token });
    expect(exported.body.twoFactor).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    for (const secret of [e.secret, ...e.recoveryCodes]) expect(JSON.stringify(exported.body)).not.toContain(secret);
    const erased = await call("DELETE", "/v1/me", { token: e.token, body: { authKey: e.user.cred.authKey } });
    expect(erased.status).toBe(204);
    for (const table of ["two_factor", "recovery_codes", "sign_in_challenges"]) {
      expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ?`).bind(e.user.id).first("n")).toBe(0);
    }
  });
});

it("the cron trigger deletes expired challenges and unconfirmed enrolments, and keeps live ones", async () => {
  const e = await enrolled();
  await challengeFor(e.user);
  const pending = await signedIn(await register());
  await call("POST", "/v1/me/two-factor/totp", { token: pending.token, body: { authKey: pending.user.cred.authKey } });
  const rows = async () => ({
    challenges: await env.DB.prepare("SELECT COUNT(*) AS n FROM sign_in_challenges WHERE account_id = ?").bind(e.user.id).first("n"),
    enrolled: await env.DB.prepare("SELECT COUNT(*) AS n FROM two_factor WHERE account_id = ?").bind(e.user.id).first("n"),
    pending: await env.DB.prepare("SELECT COUNT(*) AS n FROM two_factor WHERE account_id = ?").bind(pending.user.id).first("n"),
  });
  const run = async (at: number) => {
    const waits: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
    await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env, ctx);
    await Promise.all(waits);
  };
  await run(Date.now() + 60_000);
  expect(await rows()).toEqual({ challenges: 1, enrolled: 1, pending: 1 });
  await run(Date.now() + 16 * 60_000);
  expect(await rows()).toEqual({ challenges: 0, enrolled: 1, pending: 0 });
});
