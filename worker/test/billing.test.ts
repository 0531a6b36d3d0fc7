/**
 * Purchase end to end inside workerd against the Stripe stand-in: plans,
 * checkout and portal with their error codes, paying on the hosted page, the
 * webhooks that follow, a failed renewal payment, cancellation, and a
 * downgrade that signs nobody out.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LOCAL_PRICES } from "@cargo-vpn/stripe-standin/prices";
import { call, signIn, newDevice, register } from "./client";
import { checkout, deliverNew, me, pay, standin, subscribed, verifiedUser } from "./billing-helpers";
import { latest } from "./mail";

describe("GET /v1/plans", () => {
  it("lists every plan with its device limit and the configured prices", async () => {
    const res = await call("GET", "/v1/plans");
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.plans.map((p: any) => [p.id, p]));
    expect(byId.free).toEqual({ id: "free", name: "Free", maxDevices: 1, prices: [] });
    expect(byId.plus.maxDevices).toBe(5);
    expect(byId.team.maxDevices).toBe(10);
    expect(byId.plus.prices).toEqual([
      { id: LOCAL_PRICES.plus!.month!.price, interval: "month", amount: 499, currency: "eur" },
      { id: LOCAL_PRICES.plus!.year!.price, interval: "year", amount: 4790, currency: "eur" },
    ]);
  });
});

describe("POST /v1/billing/checkout and /v1/billing/portal", () => {
  it("need a signed-in account", async () => {
    for (const path of ["/v1/billing/checkout", "/v1/billing/portal"]) {
      const res = await call("POST", path, { body: { plan: "plus", interval: "month" } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("unauthorized");
    }
  });

  it("refuses checkout until the email address is verified, and stores nothing", async () => {
    const user = await register();
    const token = (await signIn(user)).body.accessToken;
    const res = await checkout(token);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.code).toBe("email_unverified");
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM subscriptions WHERE account_id = ?").bind(user.id).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("validates the plan and interval", async () => {
    const { token } = await verifiedUser();
    for (const body of [
      { plan: "free", interval: "month" },
      { plan: "plus", interval: "week" },
      { plan: "plus" },
      { plan: "plus", interval: "month", x: 1 },
    ]) {
      const res = await call("POST", "/v1/billing/checkout", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
  });

  it("has no portal before a subscription (404), then sells the plan on the hosted page", async () => {
    const { token, user } = await verifiedUser();
    const portal = await call("POST", "/v1/billing/portal", { token });
    expect(portal.status).toBe(404);
    expect(portal.body.code).toBe("not_found");

    const started = await checkout(token, "plus", "year");
    expect(started.status).toBe(200);
    expect(started.body.url.startsWith(`${env.TEST_STRIPE_URL}/c/pay/cs_test_`)).toBe(true);
    const page = await standin(new URL(started.body.url).pathname);
    expect(page).toContain(">Pay</button>");
    // Still free until Stripe says it is paid.
    expect((await me(token)).plan.id).toBe("free");

    const session = await pay(started.body.url);
    expect(session.status).toBe("complete");
    const outcomes = await deliverNew(session.customer);
    expect(outcomes).toContain("customer.subscription.created:applied");

    const account = await me(token);
    expect(account.plan).toEqual({ id: "plus", name: "Plus", maxDevices: 5 });
    expect(account.subscription.status).toBe("active");
    expect(account.subscription.cancelAt).toBeNull();
    const renews = Date.parse(account.subscription.renewsAt);
    expect(renews - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);
    expect((await call("GET", "/v1/devices", { token })).body.maxDevices).toBe(5);
    // The plan change is announced by email.
    expect((await latest(user.email, "plan is now Plus")).text).toContain("5");
    // A second device now gets in.
    expect((await signIn(user, newDevice("firefox", "Firefox"))).status).toBe(200);

    const again = await checkout(token, "team");
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_subscribed");

    const opened = await call("POST", "/v1/billing/portal", { token });
    expect(opened.status).toBe(200);
    expect(opened.body.url.startsWith(`${env.TEST_STRIPE_URL}/p/session/`)).toBe(true);
    expect(await standin(new URL(opened.body.url).pathname)).toContain("Cancel subscription");
  });

  it("reuses the account's Stripe customer when a checkout is started again before paying", async () => {
    const { token, user } = await verifiedUser();
    const [a, b] = await Promise.all([checkout(token), checkout(token)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const first = await pay(a.body.url);
    const sessionB = new URL(b.body.url).pathname.split("/").at(-1);
    const second = await standin(`/v1/checkout/sessions/${sessionB}`, { headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` } });
    expect(second.customer).toBe(first.customer);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM subscriptions WHERE account_id = ?").bind(user.id).first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });
});

describe("the subscription's life", () => {
  it("keeps the plan through a failed renewal payment; the final cancellation moves the account to free", async () => {
    const { token, customer, subscription } = await subscribed("plus");
    await standin(`/_standin/subscriptions/${subscription}/payment-failed`, { method: "POST" });
    const outcomes = await deliverNew(customer);
    expect(outcomes).toContain("invoice.payment_failed:applied");
    let account = await me(token);
    expect(account.plan.id).toBe("plus");
    expect(account.subscription.status).toBe("past_due");

    // Stripe gave up retrying: the subscription is canceled.
    await standin(`/_standin/subscriptions/${subscription}/cancel`, { method: "POST" });
    await deliverNew(customer);
    account = await me(token);
    expect(account.plan).toEqual({ id: "free", name: "Free", maxDevices: 1 });
    expect(account.subscription.status).toBe("canceled");
    expect(account.subscription.renewsAt).toBeNull();
    // The portal still opens (invoices), and a new checkout is allowed again.
    expect((await call("POST", "/v1/billing/portal", { token })).status).toBe(200);
    expect((await checkout(token)).status).toBe(200);
  });

  it("going down signs nobody out; new sign-ins get device_limit until the account is under the limit", async () => {
    const { user, token, customer, subscription } = await subscribed("team");
    expect((await me(token)).plan.maxDevices).toBe(10);
    const others = [];
    for (let i = 0; i < 6; i++) {
      const res = await signIn(user, newDevice("chrome", `Device ${i}`));
      expect(res.status).toBe(200);
      others.push(res.body);
    }
    // 7 devices signed in; the plan switches to plus (5 devices).
    await standin(`/_standin/subscriptions/${subscription}/price`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `price=${LOCAL_PRICES.plus!.month!.price}`,
    });
    await deliverNew(customer);
    expect((await me(token)).plan.id).toBe("plus");

    const devices = await call("GET", "/v1/devices", { token });
    expect(devices.body.devices).toHaveLength(7);
    expect(devices.body.maxDevices).toBe(5);
    for (const other of others) {
      expect((await call("GET", "/v1/me", { token: other.accessToken })).status).toBe(200);
      expect((await call("POST", "/v1/auth/refresh", { body: { refreshToken: other.refreshToken } })).status).toBe(200);
    }
    const refused = await signIn(user, newDevice("firefox", "One too many"));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("device_limit");
    expect(refused.body.maxDevices).toBe(5);

    // Down to 4 devices: the next one gets in.
    const ids = devices.body.devices.filter((d: any) => !d.current).map((d: any) => d.id);
    for (const id of ids.slice(0, 3)) expect((await call("DELETE", `/v1/devices/${id}`, { token })).status).toBe(204);
    expect((await signIn(user, newDevice("firefox", "Now it fits"))).status).toBe(200);
  });
});

describe("Stripe unreachable", () => {
  it("checkout and portal answer 503 unavailable with Retry-After, not a bare 500", async () => {
    const { startCheckout, openPortal } = await import("../src/billing/checkout");
    const { findById } = await import("../src/accounts/accounts");
    const { database } = await import("../src/db/client");
    const { appContext } = await import("../src/context");
    const db = database(env);
    // Port 1 on loopback: nothing listens there.
    const down = appContext({ ...env, STRIPE_API_PORT: "1" });
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (e: unknown) => e,
      );

    const { user } = await subscribed("plus");
    const portal = await failure(openPortal(down, (await findById(db, user.id))!));
    expect(portal).toMatchObject({ code: "unavailable", status: 503, headers: { "retry-after": "60" } });

    const fresh = await verifiedUser();
    const checkoutError = await failure(startCheckout(down, (await findById(db, fresh.user.id))!, "plus", "month"));
    expect(checkoutError).toMatchObject({ code: "unavailable", status: 503 });
  });
});

describe("a customer deleted at Stripe", () => {
  it("has no portal any more (404), and the subscription's end moves the account to free", async () => {
    const { token, customer } = await subscribed("plus");
    await fetch(`${env.TEST_STRIPE_URL}/v1/customers/${customer}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` },
    });
    await deliverNew(customer);
    expect((await me(token)).plan.id).toBe("free");
    const portal = await call("POST", "/v1/billing/portal", { token });
    expect(portal.status).toBe(404);
    expect(portal.body.code).toBe("not_found");

    // Buying again works: a new customer replaces the deleted one.
    const again = await call("POST", "/v1/billing/checkout", { token, body: { plan: "plus", interval: "month" } });
    expect(again.status).toBe(200);
    expect(again.body.url).toEqual(expect.any(String));
  });
});
