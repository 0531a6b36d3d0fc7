/**
 * Erasing an account that bought a plan: its subscription is canceled and its
 * customer deleted at Stripe (the stand-in shows both); with Stripe
 * unreachable the erasure still completes and the billing queue does it
 * later. And what is stored about a subscription: no Stripe id in
 * plaintext, no card or billing details anywhere.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findById } from "../src/accounts/accounts";
import { eraseAccount } from "../src/accounts/erase";
import { appContext } from "../src/context";
import { database } from "../src/db/client";
import { call } from "./client";
import { sleep, standin, subscribed } from "./billing-helpers";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

const atStripe = (customer: string) => standin(`/_standin/customers/${customer}`);

describe("erasure with a subscription", () => {
  it("DELETE /v1/me cancels the subscription and deletes the customer at Stripe", async () => {
    const { user, token, customer } = await subscribed("plus");
    const res = await call("DELETE", "/v1/me", { token, body: { authKey: user.cred.authKey } });
    expect(res.status).toBe(204);
    const state = await atStripe(customer);
    expect(state.customer.deleted).toBe(true);
    expect(state.subscriptions.map((s: any) => s.status)).toEqual(["canceled"]);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM subscriptions WHERE account_id = ?").bind(user.id).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("completes with Stripe unreachable, and the queue cancels and deletes later", async () => {
    const { user, customer } = await subscribed("team");
    const db = database(env);
    const row = (await findById(db, user.id))!;
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    await eraseAccount(appContext({ ...env, STRIPE_API_PORT: "1" }), row);
    expect(await findById(db, user.id)).toBeUndefined();
    expect((await atStripe(customer)).customer.deleted).toBeUndefined();

    const deadline = Date.now() + 20_000;
    let state = await atStripe(customer);
    while (!state.customer.deleted && Date.now() < deadline) {
      await sleep(250);
      state = await atStripe(customer);
    }
    expect(state.customer.deleted).toBe(true);
    expect(state.subscriptions.map((s: any) => s.status)).toEqual(["canceled"]);
  });
});

describe("what is stored about a subscription", () => {
  it("holds no Stripe id in plaintext and no card or billing details", async () => {
    const { user, customer, subscription } = await subscribed("plus");
    const d1 = await dumpD1();
    const objects = await dumpDurableObjects();
    expect(d1).toContain(user.id);
    const sub = await standin(`/v1/subscriptions/${subscription}`, { headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` } });
    const needles = [
      customer,
      subscription,
      customer.slice(4),
      subscription.slice(4),
      sub.items.data[0].id,
      sub.latest_invoice,
      // Card details as they would be stored (a JSON key or value, the test card's number): a bare "4242"
      // also turns up in random ids (one fresh-clone run failed on a device id ending …94242c).
      "4242424242424242",
      '"last4"',
      '"card"',
    ];
    for (const needle of needles) {
      expect(d1, `D1 holds ${needle}`).not.toContain(needle);
      expect(objects, `Durable Objects hold ${needle}`).not.toContain(needle);
    }
    const stored = await env.DB.prepare("SELECT * FROM subscriptions WHERE account_id = ?").bind(user.id).first<Record<string, unknown>>();
    expect(Object.keys(stored!).sort()).toEqual(
      [
        "account_id",
        "cancel_at",
        "checkout_ciphertext",
        "checkout_until",
        "customer_ciphertext",
        "customer_index",
        "event_created",
        "plan_id",
        "renews_at",
        "revision",
        "status",
        "subscription_ciphertext",
        "updated_at",
      ].sort(),
    );
  });
});
