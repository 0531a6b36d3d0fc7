/**
 * Passkeys as a second factor (issue 18 item 3) through the real worker and
 * @simplewebauthn/server: a ticket spent once, registration with ES256 and
 * RS256 ("none" attestation from WebCrypto keys, see software-authenticator.ts),
 * the sign-in that needs the passkey after the password, and the refusals
 * that change nothing: a wrong signature, a replayed assertion or an old
 * counter, a challenge used twice or after it expired, another origin.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, newDevice, signIn, signedIn } from "./client";
import { latest } from "./mail";
import { type Algorithm, assert, createCredential } from "./software-authenticator";

async function ticketFor(token: string) {
  const res = await call("POST", "/v1/me/passkey-tickets", { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const url = new URL(res.body.url);
  expect(url.pathname).toBe("/account/passkeys");
  expect(url.hash).toBe(`#ticket=${res.body.ticket}`);
  return { ticket: res.body.ticket as string, origin: url.origin };
}

/** Signs in, registers one passkey with the software authenticator, returns what the sign-in tests need. */
async function withPasskey(algorithm: Algorithm = "ES256") {
  const s = await signedIn();
  // Plus: five slots, so the tests can sign several devices in; verified, so the notices are sent (notices.ts).
  await env.DB.prepare("UPDATE accounts SET plan_id = 'plus', email_verified = 1 WHERE id = ?").bind(s.user.id).run();
  const { ticket, origin } = await ticketFor(s.token);
  const options = await call("POST", "/v1/passkeys/registration/options", { body: { ticket } });
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  expect(options.body.pubKeyCredParams.map((p: { alg: number }) => p.alg)).toEqual([-7, -257]);
  const made = await createCredential(options.body, origin, algorithm);
  const verify = await call("POST", "/v1/passkeys/registration/verify", { body: { response: made.response, label: "My key" } });
  expect(verify.status, JSON.stringify(verify.body)).toBe(200);
  expect(verify.body).toMatchObject({ id: made.credential.id, label: "My key", lastUsedAt: null });
  return { ...s, origin, credential: made.credential };
}

async function passkeyChallenge(user: Awaited<ReturnType<typeof withPasskey>>["user"], device = newDevice()) {
  const res = await signIn(user, device);
  expect(res.status).toBe(401);
  expect(res.body.code).toBe("second_factor_required");
  expect(res.body.methods).toEqual(["passkey"]);
  expect(new URL(res.body.passkeyUrl).hash).toBe(`#challenge=${res.body.challenge}`);
  // The page speaks the account's language: it rides in the query (the challenge, in the fragment, never reaches a server).
  expect(new URL(res.body.passkeyUrl).searchParams.get("lang")).toBe("en");
  return res.body.challenge as string;
}

const counterOf = (id: string) => env.DB.prepare("SELECT counter FROM passkeys WHERE credential_id = ?").bind(id).first("counter");

describe("registering a passkey", () => {
  for (const algorithm of ["ES256", "RS256"] as const) {
    it(`registers an ${algorithm} credential from a one-time ticket, lists it and mails a notice`, async () => {
      const s = await withPasskey(algorithm);
      const list = await call("GET", "/v1/me/passkeys", { token: s.token });
      expect(list.status).toBe(200);
      expect(list.body.passkeys).toEqual([expect.objectContaining({ id: s.credential.id, label: "My key" })]);
      const notice = await latest(s.user.email, "A passkey was added to your Cargo VPN account");
      expect(notice.text).toContain("passkey was registered");
      // The label is sealed: the stored row does not hold it.
      const stored = await env.DB.prepare("SELECT * FROM passkeys WHERE credential_id = ?").bind(s.credential.id).first();
      expect(JSON.stringify(stored)).not.toContain("My key");
    });
  }

  it("refuses a reused ticket, an unknown one, and a registration for another origin; nothing is stored", async () => {
    const s = await signedIn();
    const { ticket, origin } = await ticketFor(s.token);
    const options = await call("POST", "/v1/passkeys/registration/options", { body: { ticket } });
    expect(options.status).toBe(200);
    const again = await call("POST", "/v1/passkeys/registration/options", { body: { ticket } });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe("invalid_ticket");
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    const unknown = await call("POST", "/v1/passkeys/registration/options", { body: { ticket: "x".repeat(43) } });
    expect(unknown.body.code).toBe("invalid_ticket");

    const elsewhere = await createCredential(options.body, "https://evil.example");
    const refused = await call("POST", "/v1/passkeys/registration/verify", { body: { response: elsewhere.response } });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("invalid_passkey");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM passkeys WHERE account_id = ?").bind(s.user.id).first("n")).toBe(0);

    // The refused try left the challenge usable; the right one then works once.
    const right = await createCredential(options.body, origin);
    expect((await call("POST", "/v1/passkeys/registration/verify", { body: { response: right.response } })).status).toBe(200);
    const twice = await createCredential(options.body, origin);
    const reused = await call("POST", "/v1/passkeys/registration/verify", { body: { response: twice.response } });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe("invalid_challenge");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM passkeys WHERE account_id = ?").bind(s.user.id).first("n")).toBe(1);
  });

  it("refuses an expired ticket", async () => {
    const s = await signedIn();
    const { ticket } = await ticketFor(s.token);
    await env.DB.prepare("UPDATE webauthn_challenges SET expires_at = ? WHERE account_id = ?")
      .bind(Date.now() - 1, s.user.id)
      .run();
    const res = await call("POST", "/v1/passkeys/registration/options", { body: { ticket } });
    expect(res.body.code).toBe("invalid_ticket");
  });
});

describe("signing in with a passkey", () => {
  for (const algorithm of ["ES256", "RS256"] as const) {
    it(`needs the ${algorithm} passkey after the password: pending until it is used, then tokens once`, async () => {
      const s = await withPasskey(algorithm);
      const device = newDevice();
      const challenge = await passkeyChallenge(s.user, device);
      const pending = await call("POST", "/v1/auth/second-factor", { body: { challenge, passkey: true } });
      expect(pending.status).toBe(401);
      expect(pending.body.code).toBe("second_factor_pending");

      const options = await call("POST", "/v1/auth/passkey/options", { body: { challenge } });
      expect(options.status, JSON.stringify(options.body)).toBe(200);
      expect(options.body.allowCredentials).toEqual([expect.objectContaining({ id: s.credential.id })]);
      const assertion = await assert(s.credential, options.body, s.origin);
      const verified = await call("POST", "/v1/auth/passkey/verify", { body: { challenge, response: assertion } });
      expect(verified.status, JSON.stringify(verified.body)).toBe(204);
      expect(await counterOf(s.credential.id)).toBe(1);

      const done = await call("POST", "/v1/auth/second-factor", { body: { challenge, passkey: true } });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body.device.id).toBe(device.id);
      const twice = await call("POST", "/v1/auth/second-factor", { body: { challenge, passkey: true } });
      expect(twice.body.code).toBe("invalid_challenge");
    });
  }

  it("refuses a replayed assertion, an old counter, a wrong signature and another origin; nothing changes", async () => {
    const s = await withPasskey();
    const challenge = await passkeyChallenge(s.user);
    const options = await call("POST", "/v1/auth/passkey/options", { body: { challenge } });
    const assertion = await assert(s.credential, options.body, s.origin);

    const tampered = structuredClone(assertion);
    tampered.response.signature = (await assert(s.credential, { challenge: "other" }, s.origin, 1)).response.signature;
    const wrongSig = await call("POST", "/v1/auth/passkey/verify", { body: { challenge, response: tampered } });
    expect(wrongSig.status).toBe(401);
    expect(wrongSig.body.code).toBe("invalid_passkey");
    const otherOrigin = await call("POST", "/v1/auth/passkey/verify", {
      body: { challenge, response: await assert(s.credential, options.body, "https://evil.example", 1) },
    });
    expect(otherOrigin.body.code).toBe("invalid_passkey");
    expect(await counterOf(s.credential.id)).toBe(0);
    expect((await call("POST", "/v1/auth/second-factor", { body: { challenge, passkey: true } })).body.code).toBe("second_factor_pending");

    expect((await call("POST", "/v1/auth/passkey/verify", { body: { challenge, response: assertion } })).status).toBe(204);
    const replay = await call("POST", "/v1/auth/passkey/verify", { body: { challenge, response: assertion } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("invalid_challenge");

    // A fresh challenge, but the authenticator's counter went back: a cloned key.
    const next = await passkeyChallenge(s.user);
    const nextOptions = await call("POST", "/v1/auth/passkey/options", { body: { challenge: next } });
    const cloned = await call("POST", "/v1/auth/passkey/verify", {
      body: { challenge: next, response: await assert(s.credential, nextOptions.body, s.origin, 1) },
    });
    expect(cloned.status).toBe(401);
    expect(cloned.body.code).toBe("invalid_passkey");
    expect(await counterOf(s.credential.id)).toBe(1);
    expect((await call("POST", "/v1/auth/second-factor", { body: { challenge: next, passkey: true } })).body.code).toBe(
      "second_factor_pending",
    );
  });

  it("refuses an expired WebAuthn challenge and one made for another sign-in", async () => {
    const s = await withPasskey();
    const first = await passkeyChallenge(s.user);
    const second = await passkeyChallenge(s.user);
    const options = await call("POST", "/v1/auth/passkey/options", { body: { challenge: first } });
    const assertion = await assert(s.credential, options.body, s.origin);
    const crossed = await call("POST", "/v1/auth/passkey/verify", { body: { challenge: second, response: assertion } });
    expect(crossed.body.code).toBe("invalid_challenge");

    await env.DB.prepare("UPDATE webauthn_challenges SET expires_at = ? WHERE account_id = ? AND purpose = 'sign-in'")
      .bind(Date.now() - 1, s.user.id)
      .run();
    const expired = await call("POST", "/v1/auth/passkey/verify", { body: { challenge: first, response: assertion } });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe("invalid_challenge");
    expect(await counterOf(s.credential.id)).toBe(0);
  });

  it("a removed passkey no longer asks for a second factor", async () => {
    const s = await withPasskey();
    const removed = await call("DELETE", `/v1/me/passkeys/${encodeURIComponent(s.credential.id)}`, { token: s.token });
    expect(removed.status).toBe(204);
    const gone = await call("DELETE", `/v1/me/passkeys/${encodeURIComponent(s.credential.id)}`, { token: s.token });
    expect(gone.body.code).toBe("not_found");
    expect((await signIn(s.user)).status).toBe(200);
  });
});
