/**
 * Helpers for the billing tests: a signed-in account with a verified address,
 * the Stripe stand-in driven the way a person drives Stripe (open Checkout,
 * press Pay, cancel in the portal), and the stand-in's signed events
 * delivered to the worker's webhook exactly as Stripe would send them.
 */
import { env } from "cloudflare:test";
import { call, signIn, newDevice, register, type TestUser } from "./client";

export interface StoredEvent {
  id: string;
  type: string;
  payload: string;
  signature: string;
  customer: string | null;
}

export async function standin(path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(env.TEST_STRIPE_URL + path, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`stand-in ${path}: ${res.status} ${text}`);
  return text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text;
}

/** Stripe's API itself, as the worker calls it (form-encoded, secret key). */
async function stripeApi(path: string): Promise<any> {
  return standin(path, { headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` } });
}

export async function verifiedUser(user?: TestUser) {
  const u = user ?? (await register());
  await env.DB.prepare("UPDATE accounts SET email_verified = 1 WHERE id = ?").bind(u.id).run();
  const device = newDevice();
  const res = await signIn(u, device);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return { user: u, device, token: res.body.accessToken as string };
}

export async function checkout(token: string, plan: "plus" | "team" = "plus", interval: "month" | "year" = "month") {
  return call("POST", "/v1/billing/checkout", { token, body: { plan, interval } });
}

/** Presses "Pay" on the hosted Checkout page; returns the completed session (customer and subscription ids). */
export async function pay(checkoutUrl: string): Promise<{ id: string; status: string; customer: string; subscription: string }> {
  const res = await fetch(checkoutUrl, { method: "POST", redirect: "manual" });
  await res.arrayBuffer();
  if (res.status !== 303 && res.status !== 200) throw new Error(`pay failed: ${res.status}`);
  const id = new URL(checkoutUrl).pathname.split("/").at(-1)!;
  return stripeApi(`/v1/checkout/sessions/${id}`);
}

export async function eventsFor(customer: string): Promise<StoredEvent[]> {
  return standin(`/_standin/events?customer=${encodeURIComponent(customer)}`);
}

export async function deliver(event: { payload: string; signature: string }) {
  return call("POST", "/v1/billing/webhook", {
    raw: event.payload,
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": event.signature },
  });
}

/** Delivers every event of the customer not delivered by this helper before, in the order they happened. */
const delivered = new Set<string>();
export async function deliverNew(customer: string) {
  const outcomes: string[] = [];
  for (const event of await eventsFor(customer)) {
    if (delivered.has(event.id)) continue;
    delivered.add(event.id);
    const res = await deliver(event);
    if (res.status !== 200) throw new Error(`webhook ${event.type}: ${res.status} ${JSON.stringify(res.body)}`);
    outcomes.push(`${event.type}:${res.body.outcome}`);
  }
  return outcomes;
}

/** A verified account that bought `plan` and whose events have all been delivered. */
export async function subscribed(plan: "plus" | "team" = "plus") {
  const signed = await verifiedUser();
  const started = await checkout(signed.token, plan);
  if (started.status !== 200) throw new Error(`checkout failed: ${started.status} ${JSON.stringify(started.body)}`);
  const session = await pay(started.body.url);
  await deliverNew(session.customer);
  return { ...signed, customer: session.customer, subscription: session.subscription };
}

export async function me(token: string) {
  const res = await call("GET", "/v1/me", { token });
  if (res.status !== 200) throw new Error(`GET /v1/me: ${res.status}`);
  return res.body.account;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
