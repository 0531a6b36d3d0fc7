/**
 * PATCH /v1/me with a new address (issue 20, item 1) is neither an oracle nor
 * a mail cannon: every change the password proved counts against the
 * client's registration ceiling (so `email_taken` comes no more often than
 * registration says `email_taken`) and against the account's daily change
 * limit (which bounds the messages changes send), each 429 rate_limited with
 * Retry-After, and a refused change changes and sends nothing.
 */
import { describe, expect, it } from "vitest";
import { EMAIL_CHANGE_WINDOW_MS, EMAIL_CHANGES_PER_ACCOUNT, MAX_REGISTRATIONS_PER_CLIENT, REGISTRATION_WINDOW_MS } from "../src/constants";
import { call, register, registration, signedIn } from "./client";
import { catcher, settledCount } from "./mail";

const from = (address: string) => ({ "cf-connecting-ip": address });
const change = (token: string, email: string, authKey: string, address: string) =>
  call("PATCH", "/v1/me", { token, body: { email, authKey }, headers: from(address) });

function expectLimited(r: { status: number; body: any; headers: Headers }, windowMs: number) {
  expect(r.status).toBe(429);
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  expect(r.body.code).toBe("rate_limited");
  const wait = Number(r.headers.get("retry-after"));
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(windowMs / 1000);
  expect(r.body.retryAfter).toBe(wait);
}

describe("PATCH /v1/me email: not an oracle", () => {
  it(`answers email_taken at most ${EMAIL_CHANGES_PER_ACCOUNT} times per account, then 429 with Retry-After`, async () => {
    const s = await signedIn();
    const victim = await register();
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push(await change(s.token, victim.email, s.user.cred.authKey, "198.51.100.10"));
    expect(answers.filter((r) => r.body.code === "email_taken")).toHaveLength(EMAIL_CHANGES_PER_ACCOUNT);
    const limited = answers.filter((r) => r.status === 429);
    expect(limited).toHaveLength(25 - EMAIL_CHANGES_PER_ACCOUNT);
    for (const r of limited) expectLimited(r, EMAIL_CHANGE_WINDOW_MS);
  });

  it("shares one client's registration budget: many accounts from one address get no more answers than registration", async () => {
    const address = "198.51.100.20";
    const victim = await register();
    // Accounts registered elsewhere, then used from one address to probe.
    const probers = await Promise.all(Array.from({ length: 6 }, () => signedIn()));
    const taken: number[] = [];
    let limited = 0;
    for (const p of probers) {
      for (let i = 0; i < EMAIL_CHANGES_PER_ACCOUNT; i++) {
        const r = await change(p.token, victim.email, p.user.cred.authKey, address);
        if (r.body.code === "email_taken") taken.push(1);
        else {
          expectLimited(r, REGISTRATION_WINDOW_MS);
          limited += 1;
        }
      }
    }
    expect(taken).toHaveLength(MAX_REGISTRATIONS_PER_CLIENT);
    expect(limited).toBe(6 * EMAIL_CHANGES_PER_ACCOUNT - MAX_REGISTRATIONS_PER_CLIENT);
    // And registration from that address is out of budget too: the same ceiling.
    expectLimited(await call("POST", "/v1/accounts", { body: registration(), headers: from(address) }), REGISTRATION_WINDOW_MS);
  });
});

describe("PATCH /v1/me email: not a mail cannon", () => {
  it(`ten changes between two inboxes move the address ${EMAIL_CHANGES_PER_ACCOUNT} times and send at most two messages each`, async () => {
    const s = await signedIn();
    const a = `cannon-a-${crypto.randomUUID()}@example.com`;
    const b = `cannon-b-${crypto.randomUUID()}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await change(s.token, i % 2 === 0 ? a : b, s.user.cred.authKey, "198.51.100.30")).status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(EMAIL_CHANGES_PER_ACCOUNT);
    expect(statuses.filter((x) => x === 429)).toHaveLength(10 - EMAIL_CHANGES_PER_ACCOUNT);
    const sent = (await settledCount(a)) + (await catcher().inbox(b)).length;
    // Each change: a link to the new address, a notice to the one before (the first notice went to the registration address).
    expect(sent).toBeLessThanOrEqual(2 * EMAIL_CHANGES_PER_ACCOUNT);
    const refused = await change(s.token, `cannon-c-${crypto.randomUUID()}@example.com`, s.user.cred.authKey, "198.51.100.31");
    expectLimited(refused, EMAIL_CHANGE_WINDOW_MS);
    // Each change only waits for its new address to confirm (email-change-undo.test.ts): the account is where it was.
    const account = (await call("GET", "/v1/me", { token: s.token })).body.account;
    expect(account.email).toBe(s.user.email);
  });
});
