/**
 * A subscription's plan comes from its price id alone (issue 20, item 9):
 * metadata is written by whoever created the subscription, so a subscription
 * at a price STRIPE_PRICES does not list (retired, or never sold here) grants
 * nothing new: the plan on record is kept. Subscriptions are created and
 * changed at the Stripe stand-in through Stripe's own API, as a dashboard
 * user or script could.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkout, deliverNew, me, pay, standin, subscribed, verifiedUser } from "./billing-helpers";

const stripeApi = (path: string, form?: Record<string, string>) =>
  standin(path, {
    method: form ? "POST" : "GET",
    headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });

const changePrice = (subscription: string, price: string) =>
  standin(`/_standin/subscriptions/${subscription}/price`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `price=${price}`,
  });

let warnings: string[];
beforeEach(() => {
  warnings = [];
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.join(" "));
  });
});
afterEach(() => vi.restoreAllMocks());

describe("plan from the price id only", () => {
  it("a subscription at a never-sold price with metadata plan=team leaves a free account on free", async () => {
    const { token } = await verifiedUser();
    // The account's Stripe customer exists once a checkout was opened (and left unpaid).
    const opened = await checkout(token, "plus");
    expect(opened.status).toBe(200);
    const abandoned = await stripeApi(`/v1/checkout/sessions/${new URL(opened.body.url).pathname.split("/").at(-1)}`);
    const session = await stripeApi("/v1/checkout/sessions", {
      mode: "subscription",
      customer: abandoned.customer,
      "line_items[0][price]": "price_local_never_sold",
      "line_items[0][quantity]": "1",
      "subscription_data[metadata][plan]": "team",
    });
    const paid = await pay(session.url);
    expect(paid.status).toBe("complete");
    const outcomes = await deliverNew(paid.customer);
    expect(outcomes).toContain("customer.subscription.created:applied");

    const account = await me(token);
    expect(account.plan.id).toBe("free");
    expect(account.plan.maxDevices).toBe(1);
    // Logged as a class only: no price, customer or subscription id.
    expect(warnings.some((w) => w.includes("unknown_price"))).toBe(true);
    expect(warnings.join("\n")).not.toMatch(/price_local|cus_|sub_/);
  });

  it("a price retired from configuration keeps the plan the account has, not the one in metadata", async () => {
    const { token, subscription } = await subscribed("plus");
    // Switched to Team in the portal: the metadata still says plus.
    await changePrice(subscription, "price_local_team_month");
    await deliverNew((await stripeApi(`/v1/subscriptions/${subscription}`)).customer);
    expect((await me(token)).plan.id).toBe("team");
    await standin(`/_standin/subscriptions/${subscription}/price`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "price=price_local_retired_team_month",
    });
    const sub = await stripeApi(`/v1/subscriptions/${subscription}`);
    expect(sub.items.data[0].price.id).toBe("price_local_retired_team_month");
    await deliverNew(sub.customer);
    const account = await me(token);
    expect(account.plan.id).toBe("team");
    expect(account.subscription?.status).toBe("active");
  });

  it("a listed price still decides, whatever the metadata says", async () => {
    const { token, subscription } = await subscribed("plus");
    await standin(`/_standin/subscriptions/${subscription}/price`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "price=price_local_team_year",
    });
    await deliverNew((await stripeApi(`/v1/subscriptions/${subscription}`)).customer);
    expect((await me(token)).plan.id).toBe("team");
  });
});
