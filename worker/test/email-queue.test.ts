/**
 * The email queue: bodies are sealed, a send the binding refuses is retried
 * (and the consumer logs no address), an unopenable body is dropped, and the
 * erasure confirmation survives a mail-service outage through the real queue.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appContext } from "../src/context";
import { serverKeys } from "../src/crypto/keys";
import { retryDelaySeconds } from "../src/email/delivery";
import { openEmail, sealEmail } from "../src/email/sealed-email";
import worker from "../src/index";
import { call, register } from "./client";
import { catcher, inbox, latest, linkToken } from "./mail";

const QUEUE = "cargo-vpn-email";

async function sealed(to: string) {
  return sealEmail(await serverKeys(env), {
    to,
    subject: "Hello",
    text: "Open https://x.test/account/verify-email#token=SECRET-TOKEN",
    html: "<p>hi</p>",
  });
}

async function consume(body: unknown, attempts: number, bindings: Partial<typeof env> = {}) {
  const batch = createMessageBatch(QUEUE, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue!(batch as MessageBatch<never>, { ...env, ...bindings });
  return getQueueResult(batch, ctx);
}

afterEach(() => vi.restoreAllMocks());

describe("email queue", () => {
  it("holds messages sealed: no address, subject or token readable", async () => {
    const body = await sealed("sealed-check@example.com");
    const stored = JSON.stringify(body);
    for (const plain of ["sealed-check", "example.com", "Hello", "SECRET-TOKEN", "verify-email"]) expect(stored).not.toContain(plain);
    expect(await openEmail(await serverKeys(env), body)).toMatchObject({ to: "sealed-check@example.com", subject: "Hello" });
  });

  it("retries a send the binding refuses, with a growing delay, then delivers and acks", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const to = `retry-${crypto.randomUUID()}@example.com`;
    const body = await sealed(to);
    // wrangler's send_email simulation, configured to allow no recipient: a real binding refusing the send.
    const refused = await consume(body, 1, { EMAIL: env.REFUSING_EMAIL });
    expect(refused.explicitAcks).toEqual([]);
    expect(refused.retryMessages).toEqual([{ msgId: expect.any(String) }]);
    const refusedAgain = await consume(body, 3, { EMAIL: env.REFUSING_EMAIL });
    expect(refusedAgain.retryMessages).toHaveLength(1);
    // The delay doubles from EMAIL_RETRY_DELAY_SECONDS (1 s here) up to an hour.
    expect([1, 2, 3, 4, 20].map((n) => retryDelaySeconds(appContext(env), n))).toEqual([1, 2, 4, 8, 3600]);
    expect(retryDelaySeconds(appContext({ ...env, EMAIL_RETRY_DELAY_SECONDS: undefined }), 1)).toBe(30);
    expect(await catcher().inbox(to)).toEqual([]);
    const logged = errors.mock.calls.flat().join("\n");
    expect(logged).toContain("email delivery failed");
    expect(logged).not.toContain(to);
    expect(logged).not.toContain("SECRET-TOKEN");

    const delivered = await consume(body, 4);
    expect(delivered.retryMessages).toEqual([]);
    expect(delivered.explicitAcks).toHaveLength(1);
    const [message] = await catcher().inbox(to);
    expect(message).toMatchObject({ to: [to], subject: "Hello", from: "no-reply@cargovpn.dev" });
  });

  it("drops (acks) a body no key can open, sending nothing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await consume({ v: 1, sealed: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, 1);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
  });

  it("never loses the erasure confirmation: refused sends are retried through the queue until it goes out", async () => {
    const user = await register();
    await call("POST", "/v1/auth/deletion-request", { body: { email: user.email }, headers: { "cf-connecting-ip": "192.0.2.50" } });
    const token = linkToken(await latest(user.email, "Confirm the deletion"));
    await catcher().refuse(user.email, 2);
    const started = Date.now();
    expect((await call("POST", "/v1/auth/deletion-request/confirm", { body: { token } })).status).toBe(204);
    // The answer did not wait for the mail service: the account is gone at once.
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE id = ?").bind(user.id).first<{ n: number }>())!.n).toBe(0);
    const before = (await catcher().inbox(user.email)).length;
    const messages = await inbox(user.email, before + 1, 20_000);
    expect(messages.at(-1)!.subject).toBe("Your Cargo VPN account was deleted");
    // Two refusals, then delivery: at least the 1 s + 2 s retry delays went by.
    expect(Date.now() - started).toBeGreaterThan(3000);
  });
});
