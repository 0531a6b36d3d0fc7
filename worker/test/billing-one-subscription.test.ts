/**
 * One subscription per account (issue 20, item 5): of parallel checkouts one
 * opens a Checkout Session and the others get that same session (same plan
 * and interval) or 409 checkout_open; and a second live subscription that
 * reaches the webhook anyway (made at Stripe by hand, or paid before anything
 * could refuse it) is cancelled and its payment refunded through Stripe's
 * API, at the Stripe stand-in, while the account keeps the one it tracks.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call } from "./client";
import { dumpD1 } from "./storage-dump";
import { checkout, deliver, deliverNew, eventsFor, me, pay, standin, subscribed, verifiedUser } from "./billing-helpers";
import { findById } from "../src/accounts/accounts";
import { claimCheckout, releaseCheckout } from "../src/billing/checkout-hold";
import { appContext } from "../src/context";

const stripeApi = (path: string, form?: Record<string, string>) =>
  standin(path, {
    method: form ? "POST" : "GET",
    headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
const sessionOf = (url: string) => stripeApi(`/v1/checkout/sessions/${new URL(url).pathname.split("/").at(-1)}`);
const customerState = (customer: string) => standin(`/_standin/customers/${customer}`);

/** A second subscription for the account's customer, made at Stripe directly (as in the dashboard) and paid. */
async function secondSubscription(customer: string, price = "price_local_team_month") {
  const session = await stripeApi("/v1/checkout/sessions", {
    mode: "subscription",
    customer,
    "line_items[0][price]": price,
    "line_items[0][quantity]": "1",
  });
  return pay(session.url);
}

describe("at most one open checkout per account", () => {
  it("of five parallel checkouts for one plan, one opens a session and every other gets it or 409 checkout_open", async () => {
    const { token } = await verifiedUser();
    const results = await Promise.all(Array.from({ length: 5 }, () => checkout(token, "plus", "month")));
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((r) => r.body.url)).size).toBe(1);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.code).toBe("checkout_open");
    }
    const session = await sessionOf(accepted[0]!.body.url);
    // The held checkout is sealed: neither its session id nor its URL is readable in D1.
    const d1 = await dumpD1();
    expect(d1).not.toContain(session.id);
    expect(d1).not.toContain(session.customer);
    const state = await customerState(session.customer);
    expect(state.checkoutSessions).toHaveLength(1);
    // Half an hour and a minute: the session expires when the hold does.
    expect(session.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(30 * 60);
    expect(session.expires_at - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(32 * 60);
    // Asked again later: the same session, never a second one.
    const again = await checkout(token, "plus", "month");
    expect(again.status).toBe(200);
    expect(again.body.url).toBe(accepted[0]!.body.url);
    expect((await customerState(session.customer)).checkoutSessions).toHaveLength(1);
  });

  it("parallel checkouts for different plans: exactly one is accepted, the rest 409 checkout_open", async () => {
    const { token } = await verifiedUser();
    const asks: ["plus" | "team", "month" | "year"][] = [
      ["plus", "month"],
      ["team", "month"],
      ["plus", "year"],
      ["team", "year"],
    ];
    const results = await Promise.all(asks.map(([plan, interval]) => checkout(token, plan, interval)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(["checkout_open", "checkout_open", "checkout_open"]);
    const won = results.findIndex((r) => r.status === 200);
    const other = asks[(won + 1) % asks.length]!;
    expect((await checkout(token, ...other)).body.code).toBe("checkout_open");
  });

  it("a checkout waiting for its twin at Stripe takes the hold when the twin gives it back (Stripe failed), not 409", async () => {
    const { token, user } = await verifiedUser();
    // A first checkout makes the account's billing row (its Stripe customer); then the hold is free again.
    expect((await checkout(token, "plus", "month")).status).toBe(200);
    await releaseCheckout(appContext(env), user.id);
    const ctx = appContext(env);
    const account = (await findById(ctx.db, user.id))!;
    // The twin holds the checkout and is at Stripe: no session recorded yet.
    expect(await claimCheckout(ctx, account, "plus", "month")).toBeNull();
    const waiting = claimCheckout(ctx, account, "plus", "month");
    // Let the waiter find the hold taken and start waiting for the twin's session.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Stripe failed for the twin: it gives the hold back (checkout.ts) so the person can try again at once.
    await releaseCheckout(ctx, user.id);
    // The waiter now holds the checkout and opens the session itself.
    await expect(waiting).resolves.toBeNull();
    const row = await env.DB.prepare("SELECT checkout_until FROM subscriptions WHERE account_id = ?")
      .bind(user.id)
      .first<{ checkout_until: number | null }>();
    expect(row?.checkout_until).toBeGreaterThan(Date.now());
  });

  it("paying ends the hold: the account is subscribed, and after the subscription ends it can buy again", async () => {
    const { token, customer, subscription } = await subscribed("plus");
    expect((await checkout(token, "team")).body.code).toBe("already_subscribed");
    await standin(`/_standin/subscriptions/${subscription}/cancel`, { method: "POST" });
    await deliverNew(customer);
    expect((await me(token)).plan.id).toBe("free");
    const fresh = await checkout(token, "team", "year");
    expect(fresh.status).toBe(200);
  });
});

describe("a second live subscription", () => {
  it("is cancelled and refunded at Stripe; the account keeps the one it tracks, and cancelling that leaves nothing billing", async () => {
    const { token, customer, subscription } = await subscribed("plus");
    const second = await secondSubscription(customer);
    const outcomes = await deliverNew(customer);
    expect(outcomes).toContain("customer.subscription.created:applied");

    const state = await customerState(customer);
    const extra = state.subscriptions.find((s: any) => s.id === second.subscription);
    expect(extra.status).toBe("canceled");
    expect(state.subscriptions.find((s: any) => s.id === subscription).status).toBe("active");
    expect(state.refunds).toHaveLength(1);
    expect(state.refunds[0]).toMatchObject({ amount: 999, currency: "eur", status: "succeeded", reason: "duplicate" });
    const account = await me(token);
    expect(account.plan.id).toBe("plus");

    // Its own cancellation event changes nothing, and a redelivery of its creation refunds nothing twice.
    expect(await deliverNew(customer)).toEqual(["customer.subscription.deleted:stale"]);
    const created = (await eventsFor(customer)).filter((e) => e.type === "customer.subscription.created").at(-1)!;
    expect((await deliver(created)).body.outcome).toBe("duplicate");
    expect((await customerState(customer)).refunds).toHaveLength(1);
    expect((await me(token)).plan.id).toBe("plus");

    await standin(`/_standin/subscriptions/${subscription}/cancel`, { method: "POST" });
    await deliverNew(customer);
    expect((await me(token)).plan.id).toBe("free");
    const live = (await customerState(customer)).subscriptions.filter((s: any) => s.status !== "canceled");
    expect(live).toEqual([]);
  });

  it("two subscriptions' events delivered in parallel: one is tracked, the other cancelled and refunded once", async () => {
    const { token } = await verifiedUser();
    const opened = await checkout(token, "plus");
    const first = await pay(opened.body.url);
    const second = await secondSubscription(first.customer, "price_local_plus_year");
    const events = (await eventsFor(first.customer)).filter((e) => e.type === "customer.subscription.created");
    expect(events).toHaveLength(2);
    const results = await Promise.all(events.map((e) => deliver(e)));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const state = await customerState(first.customer);
    const statuses = state.subscriptions.map((s: any) => s.status).sort();
    expect(statuses).toEqual(["active", "canceled"]);
    expect(state.refunds).toHaveLength(1);
    const kept = state.subscriptions.find((s: any) => s.status === "active").id;
    expect([first.subscription, second.subscription]).toContain(kept);
    expect((await me(token)).subscription?.status).toBe("active");
    const stored = await call("GET", "/v1/me", { token });
    expect(stored.body.account.plan.id).toBe("plus");
  });
});
