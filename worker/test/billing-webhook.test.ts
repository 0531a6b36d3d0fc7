/**
 * POST /v1/billing/webhook inside workerd: signatures checked on the raw body
 * (valid, tampered, wrong secret, stale, missing: 400 and nothing changes),
 * each event applied once even under 20 parallel deliveries, out-of-order
 * deliveries never moving a plan backwards, unknown customers and event
 * types acknowledged and ignored, and the 1 MiB body limit of this route.
 */
import { env } from "cloudflare:test";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { call } from "./client";
import { checkout, deliver, eventsFor, me, pay, sleep, standin, subscribed, verifiedUser } from "./billing-helpers";
import { LOCAL_PRICES } from "@cargo-vpn/stripe-standin/prices";

const subtle = Stripe.createSubtleCryptoProvider();
const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? env.STRIPE_WEBHOOK_SECRET!,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    cryptoProvider: subtle,
  });

async function eventRows(id: string) {
  return (await env.DB.prepare("SELECT count(*) AS n FROM billing_events WHERE event_id = ?").bind(id).first<{ n: number }>())?.n;
}

/** A paid checkout whose events have not been delivered yet. */
async function paidButUndelivered(plan: "plus" | "team" = "plus") {
  const signed = await verifiedUser();
  const started = await checkout(signed.token, plan);
  const session = await pay(started.body.url);
  const events = await eventsFor(session.customer);
  const created = events.find((e) => e.type === "customer.subscription.created")!;
  return { ...signed, session, events, created };
}

describe("Stripe-Signature", () => {
  it("accepts a valid signature and refuses a tampered body, a wrong secret, a stale timestamp and a missing header", async () => {
    const { token, created } = await paidButUndelivered("plus");
    const id = JSON.parse(created.payload).id;
    const tampered = created.payload.replace(LOCAL_PRICES.plus!.month!.price, LOCAL_PRICES.team!.month!.price);
    expect(tampered).not.toBe(created.payload);

    const attempts = [
      { name: "tampered body", body: tampered, signature: created.signature },
      { name: "wrong secret", body: created.payload, signature: await sign(created.payload, { secret: "whsec_not_the_right_one" }) },
      { name: "stale", body: created.payload, signature: await sign(created.payload, { timestamp: Math.floor(Date.now() / 1000) - 600 }) },
      { name: "garbage", body: created.payload, signature: "t=1,v1=00" },
    ];
    for (const attempt of attempts) {
      const res = await deliver({ payload: attempt.body, signature: attempt.signature });
      expect(res.status, attempt.name).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code, attempt.name).toBe("validation_failed");
    }
    const missing = await call("POST", "/v1/billing/webhook", { raw: created.payload, headers: { "content-type": "application/json" } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("validation_failed");
    // Nothing changed: the event id is not recorded and the plan is still free.
    expect(await eventRows(id)).toBe(0);
    expect((await me(token)).plan.id).toBe("free");

    const good = await deliver(created);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ received: true, outcome: "applied" });
    expect((await me(token)).plan.id).toBe("plus");
  });
});

describe("each event applied once", () => {
  it("applies one event once under 20 parallel deliveries, and acknowledges replays", async () => {
    const { token, created } = await paidButUndelivered("team");
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(created)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const outcomes = results.map((r) => r.body.outcome);
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(19);
    expect(await eventRows(JSON.parse(created.payload).id)).toBe(1);
    expect((await me(token)).plan.id).toBe("team");

    const replay = await deliver({ payload: created.payload, signature: await sign(created.payload) });
    expect(replay.body.outcome).toBe("duplicate");
  });
});

describe("out-of-order deliveries", () => {
  it("never move a plan backwards", async () => {
    // team, then (a second later) switched to plus, then (a second later) canceled; delivered newest first.
    const { token, session, created } = await paidButUndelivered("team");
    await sleep(1100);
    await standin(`/_standin/subscriptions/${session.subscription}/price`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `price=${LOCAL_PRICES.plus!.month!.price}`,
    });
    const updated = (await eventsFor(session.customer)).find((e) => e.type === "customer.subscription.updated")!;
    expect((await deliver(updated)).body.outcome).toBe("applied");
    expect((await me(token)).plan.id).toBe("plus");
    expect((await deliver(created)).body.outcome).toBe("stale");
    expect((await me(token)).plan.id).toBe("plus");

    await sleep(1100);
    await standin(`/_standin/subscriptions/${session.subscription}/cancel`, { method: "POST" });
    const deleted = (await eventsFor(session.customer)).find((e) => e.type === "customer.subscription.deleted")!;
    expect((await deliver(deleted)).body.outcome).toBe("applied");
    expect((await me(token)).plan.id).toBe("free");
    // A late "updated" (plus, active) and the checkout completion do not bring the ended subscription back.
    const completed = (await eventsFor(session.customer)).find((e) => e.type === "checkout.session.completed")!;
    expect((await deliver({ payload: updated.payload, signature: await sign(updated.payload) })).body.outcome).toBe("duplicate");
    const lateCopy = JSON.stringify({ ...JSON.parse(updated.payload), id: "evt_late_copy_of_update" });
    expect((await deliver({ payload: lateCopy, signature: await sign(lateCopy) })).body.outcome).toBe("stale");
    expect((await deliver(completed)).body.outcome).toBe("stale");
    const account = await me(token);
    expect(account.plan.id).toBe("free");
    expect(account.subscription.status).toBe("canceled");
  });
});

describe("events of the same second", () => {
  it("are settled by Stripe's current subscription, whatever order they arrive in", async () => {
    // Bought team and switched to plus at once: Stripe's one-second `created` may not tell the two events apart.
    const { token, session, created } = await paidButUndelivered("team");
    await standin(`/_standin/subscriptions/${session.subscription}/price`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `price=${LOCAL_PRICES.plus!.month!.price}`,
    });
    const updated = (await eventsFor(session.customer)).find((e) => e.type === "customer.subscription.updated")!;
    expect((await deliver(updated)).body.outcome).toBe("applied");
    // Older: stale. Same second: Stripe is asked, and its answer (plus) is applied again.
    expect(["stale", "applied"]).toContain((await deliver(created)).body.outcome);
    expect((await me(token)).plan.id).toBe("plus");
  });
});

describe("events about nobody here", () => {
  it("acknowledges unknown customers and event types and changes nothing", async () => {
    const { subscription } = await subscribed("plus");
    const sub = await standin(`/v1/subscriptions/${subscription}`, { headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` } });
    const stranger = JSON.stringify({
      id: `evt_stranger_${Date.now()}`,
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      type: "customer.subscription.deleted",
      data: { object: { ...sub, customer: "cus_nobody_here", status: "canceled" } },
    });
    const res = await deliver({ payload: stranger, signature: await sign(stranger) });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("ignored");

    const other = JSON.stringify({
      id: `evt_other_${Date.now()}`,
      object: "event",
      created: 1,
      type: "charge.refunded",
      data: { object: {} },
    });
    const res2 = await deliver({ payload: other, signature: await sign(other) });
    expect(res2.status).toBe(200);
    expect(res2.body.outcome).toBe("ignored");
  });
});

describe("body limit", () => {
  it("takes signed events over 64 KiB and refuses bodies over 1 MiB with 413", async () => {
    const big = JSON.stringify({
      id: `evt_big_${Date.now()}`,
      object: "event",
      created: 1,
      type: "charge.refunded",
      data: { object: { pad: "x".repeat(200 * 1024) } },
    });
    const ok = await deliver({ payload: big, signature: await sign(big) });
    expect(ok.status).toBe(200);
    const huge = JSON.stringify({
      id: "evt_huge",
      object: "event",
      created: 1,
      type: "charge.refunded",
      data: { object: { pad: "x".repeat(1024 * 1024) } },
    });
    const refused = await deliver({ payload: huge, signature: await sign(huge) });
    expect(refused.status).toBe(413);
    expect(refused.body.code).toBe("payload_too_large");
    // Elsewhere the API's 64 KiB limit still holds.
    const elsewhere = await call("POST", "/v1/auth/prelogin", {
      raw: JSON.stringify({ username: "x".repeat(70 * 1024) }),
      headers: { "content-type": "application/json" },
    });
    expect(elsewhere.status).toBe(413);
  });
});

describe("housekeeping", () => {
  it("forgets processed event ids after the retention period, keeps recent ones", async () => {
    const { housekeeping } = await import("../src/housekeeping");
    const { WEBHOOK_EVENT_RETENTION_MS } = await import("../src/constants");
    const now = Date.now();
    await env.DB.prepare("INSERT INTO billing_events (event_id, received_at) VALUES (?, ?), (?, ?)")
      .bind("evt_old_hk", now - WEBHOOK_EVENT_RETENTION_MS - 1000, "evt_new_hk", now - 1000)
      .run();
    await housekeeping((await import("../src/context")).appContext(env), now);
    expect(await eventRows("evt_old_hk")).toBe(0);
    expect(await eventRows("evt_new_hk")).toBe(1);
  });
});
