/**
 * A small local stand-in for the part of Stripe the worker uses, for
 * `npm start` and the tests (these machines cannot reach Stripe). It speaks
 * Stripe's wire format: form-encoded requests authenticated with the secret
 * key, JSON objects shaped like Stripe's, Stripe's error envelope, and
 * webhooks signed exactly as Stripe signs them (the `stripe` library's own
 * `generateTestHeaderStringAsync`). The worker reaches it only through its
 * STRIPE_API_HOST/PORT/PROTOCOL configuration and cannot tell it from Stripe.
 *
 *   const stripe = await startStripeStandin({ secretKey, webhookSecret, prices, webhookUrl });
 *   // the hosted Checkout page has a "Pay" button, the Customer Portal a "Cancel subscription" one
 *   await stripe.stop();
 *
 * Routes under /_standin/ are not Stripe's: tests read the events it sent and
 * make what a person does at Stripe happen (a failed renewal payment, a plan switch).
 * Without a `webhookUrl`, events are only kept there, signed when read, for a
 * test to deliver itself.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import qs from "qs";
import Stripe from "stripe";
import {
  apiError,
  type CheckoutSession,
  type Customer,
  customer as newCustomer,
  event as newEvent,
  invoice,
  type InvoicePayment,
  invoicePayment,
  nowSeconds,
  type Refund,
  type PriceInfo,
  periodEnd,
  portalSession,
  price,
  type Subscription,
  stripeId,
  subscription as newSubscription,
} from "./objects.ts";
import { checkoutPage, donePage, portalPage } from "./pages.ts";

export interface StandinOptions {
  secretKey: string;
  webhookSecret: string;
  prices: Record<string, PriceInfo>;
  /** Where events are POSTed (the worker's /v1/billing/webhook); without it they are only kept. */
  webhookUrl?: string;
  port?: number;
}

export interface StoredEvent {
  id: string;
  type: string;
  /** The exact JSON body delivered. */
  payload: string;
  customer: string | null;
  delivered: boolean;
}

export interface StripeStandin {
  url: string;
  host: string;
  port: number;
  protocol: "http";
  events: StoredEvent[];
  /** Point deliveries somewhere (the worker's port is known only once it runs). */
  setWebhookUrl(url: string): void;
  /** Every event sent so far has been answered 2xx (or there is no webhook URL). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`stand-in ${status}`);
  }
}

const missing = (what: string, id: string) =>
  new HttpError(404, apiError("invalid_request_error", `No such ${what}: '${id}'`, "resource_missing", "id"));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startStripeStandin(options: StandinOptions): Promise<StripeStandin> {
  const stripe = new Stripe(options.secretKey);
  const customers = new Map<string, Customer>();
  const subscriptions = new Map<string, Subscription>();
  const sessions = new Map<string, CheckoutSession>();
  const portalSessions = new Map<string, { customer: string; returnUrl: string | null }>();
  /** What each paid invoice was paid with (Stripe: an invoice_payment naming a PaymentIntent), and refunds of those. */
  const invoicePayments = new Map<string, InvoicePayment>();
  const refunds = new Map<string, Refund>();
  /** Stripe's Idempotency-Key: a POST repeated with the same key gets the first answer, and does nothing again. */
  const idempotent = new Map<string, { status: number; value: unknown }>();
  const events: StoredEvent[] = [];
  let webhookUrl = options.webhookUrl;
  let deliveries: Promise<void> = Promise.resolve();
  let base = "";

  const sign = (payload: string) => stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: options.webhookSecret });

  async function deliver(stored: StoredEvent): Promise<void> {
    // Stripe retries failed deliveries for days; a few quick ones are enough locally.
    for (let attempt = 0; attempt < 5 && webhookUrl; attempt++) {
      try {
        const res = await fetch(webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "stripe-signature": await sign(stored.payload),
          },
          body: stored.payload,
        });
        await res.arrayBuffer();
        if (res.ok) {
          stored.delivered = true;
          return;
        }
      } catch {}
      await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
    }
  }

  function emit(type: string, object: { customer?: string | null; id: string }, previous?: Record<string, unknown>) {
    const evt = newEvent(type, object, previous);
    const stored: StoredEvent = {
      id: evt.id,
      type,
      payload: JSON.stringify(evt, (key, value) => (key.startsWith("_") ? undefined : value), 2),
      customer: object.customer ?? (type.startsWith("customer.") && !type.startsWith("customer.subscription") ? object.id : null),
      delivered: false,
    };
    events.push(stored);
    // One delivery at a time, in the order events happened.
    deliveries = deliveries.then(() => deliver(stored));
  }

  const publicSession = (s: CheckoutSession) => JSON.parse(JSON.stringify(s, (k, v) => (k.startsWith("_") ? undefined : v)));
  /** Fields starting with "_" are the stand-in's own bookkeeping, never sent. */
  const publicObject = (value: unknown) => JSON.parse(JSON.stringify(value ?? null, (k, v) => (k.startsWith("_") ? undefined : v)));

  function customerOf(id: unknown): Customer {
    const found = typeof id === "string" ? customers.get(id) : undefined;
    if (!found || found.deleted) throw missing("customer", String(id));
    return found;
  }

  function expiresAt(value: unknown, now: number): number {
    if (value === undefined) return now + 24 * 3600;
    const at = Number(value);
    if (!Number.isInteger(at) || at < now + 30 * 60 - 5 || at > now + 24 * 3600) {
      throw new HttpError(
        400,
        apiError("invalid_request_error", "expires_at must be 30 minutes to 24 hours from now.", undefined, "expires_at"),
      );
    }
    return at;
  }

  function refund(form: Record<string, any>): Refund {
    const paymentIntent = String(form.payment_intent ?? "");
    const payment = [...invoicePayments.values()].find((p) => p.payment.payment_intent === paymentIntent);
    if (!payment) throw missing("payment_intent", paymentIntent);
    const already = [...refunds.values()].filter((r) => r.payment_intent === paymentIntent).reduce((n, r) => n + r.amount, 0);
    const amount = form.amount === undefined ? payment.amount_paid - already : Number(form.amount);
    if (amount <= 0 || already + amount > payment.amount_paid) {
      throw new HttpError(
        400,
        apiError("invalid_request_error", "This PaymentIntent has already been refunded.", "charge_already_refunded"),
      );
    }
    const made: Refund = {
      id: stripeId("re"),
      object: "refund",
      amount,
      currency: payment.currency,
      payment_intent: paymentIntent,
      status: "succeeded",
      reason: form.reason ?? null,
      created: nowSeconds(),
      metadata: form.metadata ?? {},
      _invoice: payment.invoice,
    };
    refunds.set(made.id, made);
    return made;
  }

  /** The price a request names, from the stand-in's own prices only (never Object.prototype). */
  function priceInfo(id: string): PriceInfo | undefined {
    return typeof id === "string" && Object.hasOwn(options.prices, id) ? options.prices[id] : undefined;
  }

  function cancel(sub: Subscription) {
    if (sub.status === "canceled") return;
    const previous = { status: sub.status };
    const now = nowSeconds();
    Object.assign(sub, { status: "canceled", canceled_at: now, ended_at: now });
    emit("customer.subscription.deleted", structuredClone(sub), previous);
  }

  function pay(session: CheckoutSession) {
    if (session.status !== "open") throw new HttpError(400, apiError("invalid_request_error", "This Checkout Session is not open."));
    const line = session._lineItems[0]!;
    const info = priceInfo(line.price)!;
    const sub = newSubscription(session.customer!, line.price, info, session._subscriptionMetadata);
    subscriptions.set(sub.id, sub);
    Object.assign(session, { status: "complete", payment_status: "paid", subscription: sub.id, url: null });
    emit("customer.subscription.created", structuredClone(sub));
    const paid = invoice(sub, "paid", 1);
    invoicePayments.set(paid.id, invoicePayment(paid.id, paid.amount_paid, paid.currency));
    emit("invoice.paid", paid);
    emit("checkout.session.completed", publicSession(session));
  }

  type Handler = (params: string[], form: Record<string, any>, url: URL) => unknown;
  const api: [string, RegExp, Handler][] = [
    ["POST", /^\/v1\/customers$/, (_p, form) => storeCustomer(newCustomer(form.metadata ?? {}))],
    ["GET", /^\/v1\/customers\/([^/]+)$/, ([id]) => customerOf(id)],
    [
      "DELETE",
      /^\/v1\/customers\/([^/]+)$/,
      ([id]) => {
        const found = customerOf(id);
        // Deleting a customer cancels its subscriptions at once, as at Stripe.
        for (const sub of subscriptions.values()) if (sub.customer === found.id) cancel(sub);
        found.deleted = true;
        emit("customer.deleted", { ...found });
        return { id: found.id, object: "customer", deleted: true };
      },
    ],
    [
      "POST",
      /^\/v1\/checkout\/sessions$/,
      (_p, form) => {
        if (form.mode !== "subscription")
          throw new HttpError(400, apiError("invalid_request_error", "Only mode=subscription is simulated.", undefined, "mode"));
        const found = customerOf(form.customer);
        const items = (Array.isArray(form.line_items) ? form.line_items : []) as { price?: string; quantity?: string }[];
        if (items.length !== 1 || !items[0]?.price)
          throw new HttpError(400, apiError("invalid_request_error", "Pass one line item.", undefined, "line_items"));
        const info = priceInfo(items[0].price);
        if (!info) throw missing("price", items[0].price);
        const id = stripeId("cs_test");
        const now = nowSeconds();
        const session: CheckoutSession = {
          id,
          object: "checkout.session",
          mode: "subscription",
          status: "open",
          payment_status: "unpaid",
          customer: found.id,
          subscription: null,
          client_reference_id: form.client_reference_id ?? null,
          success_url: form.success_url ?? null,
          cancel_url: form.cancel_url ?? null,
          url: `${base}/c/pay/${id}`,
          created: now,
          // Stripe takes 30 minutes to 24 hours; 24 hours when not sent.
          expires_at: expiresAt(form.expires_at, now),
          currency: info.currency,
          amount_total: info.amount,
          livemode: false,
          metadata: form.metadata ?? {},
          _lineItems: [{ price: items[0].price, quantity: Number(items[0].quantity ?? 1) }],
          _subscriptionMetadata: form.subscription_data?.metadata ?? {},
        };
        sessions.set(id, session);
        return publicSession(session);
      },
    ],
    [
      "GET",
      /^\/v1\/checkout\/sessions\/([^/]+)$/,
      ([id]) => {
        const found = sessions.get(id!);
        if (!found) throw missing("checkout.session", id!);
        return publicSession(found);
      },
    ],
    [
      "GET",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ([id]) => {
        const found = subscriptions.get(id!);
        if (!found) throw missing("subscription", id!);
        return found;
      },
    ],
    [
      "DELETE",
      /^\/v1\/subscriptions\/([^/]+)$/,
      ([id]) => {
        const found = subscriptions.get(id!);
        if (!found) throw missing("subscription", id!);
        if (found.status === "canceled") {
          throw new HttpError(400, apiError("invalid_request_error", "This subscription is already canceled.", "resource_missing"));
        }
        cancel(found);
        return found;
      },
    ],
    [
      "GET",
      /^\/v1\/invoice_payments$/,
      (_p, _form, url) => {
        const found = invoicePayments.get(url.searchParams.get("invoice") ?? "");
        return { object: "list", data: found ? [found] : [], has_more: false, url: "/v1/invoice_payments" };
      },
    ],
    ["POST", /^\/v1\/refunds$/, (_p, form) => refund(form)],
    [
      "POST",
      /^\/v1\/billing_portal\/sessions$/,
      (_p, form) => {
        const found = customerOf(form.customer);
        const id = stripeId("bps");
        portalSessions.set(id, { customer: found.id, returnUrl: form.return_url ?? null });
        return { ...portalSession(found.id, form.return_url ?? null, `${base}/p/session/${id}`), id };
      },
    ],
  ];

  function storeCustomer(c: Customer) {
    customers.set(c.id, c);
    emit("customer.created", { ...c });
    return c;
  }

  function changePrice(sub: Subscription, priceId: string) {
    const info = priceInfo(priceId);
    if (!info) throw missing("price", priceId);
    const item = sub.items.data[0]!;
    const previous = { items: structuredClone(sub.items) };
    const now = nowSeconds();
    item.price = price(priceId, info);
    item.current_period_start = now;
    item.current_period_end = periodEnd(now, info.interval);
    emit("customer.subscription.updated", structuredClone(sub), previous);
  }

  function failPayment(sub: Subscription) {
    const previous = { status: sub.status };
    emit("invoice.payment_failed", invoice(sub, "open", 1));
    sub.status = "past_due";
    emit("customer.subscription.updated", structuredClone(sub), previous);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const body = await readBody(req);
    const form = qs.parse(body, { depth: 5, arrayLimit: 100 }) as Record<string, any>;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "request-id": stripeId("req"),
        "stripe-version": String(req.headers["stripe-version"] ?? ""),
      });
      res.end(JSON.stringify(value));
    };
    const html = (status: number, page: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(page);
    };
    const redirect = (location: string) => {
      res.writeHead(303, { location });
      res.end();
    };
    try {
      if (url.pathname.startsWith("/v1/")) {
        if (req.headers.authorization !== `Bearer ${options.secretKey}`) {
          throw new HttpError(401, apiError("invalid_request_error", "Invalid API Key provided."));
        }
        const key = method === "POST" ? req.headers["idempotency-key"] : undefined;
        const seen = typeof key === "string" ? idempotent.get(key) : undefined;
        if (seen) return json(seen.status, seen.value);
        for (const [m, pattern, handler] of api) {
          const match = m === method ? pattern.exec(url.pathname) : null;
          if (!match) continue;
          const value = publicObject(handler(match.slice(1), form, url));
          if (typeof key === "string") idempotent.set(key, { status: 200, value });
          return json(200, value);
        }
        throw new HttpError(404, apiError("invalid_request_error", `Unrecognized request URL (${method}: ${url.pathname}).`));
      }
      let match = /^\/c\/pay\/([^/]+)$/.exec(url.pathname);
      if (match) {
        const session = sessions.get(match[1]!);
        if (!session) return html(404, donePage("This checkout does not exist"));
        if (method === "GET") return html(200, checkoutPage(session, options.prices));
        pay(session);
        return session.success_url ? redirect(session.success_url) : html(200, donePage("Payment complete"));
      }
      match = /^\/p\/session\/([^/]+)(?:\/cancel\/([^/]+))?$/.exec(url.pathname);
      if (match) {
        const portal = portalSessions.get(match[1]!);
        if (!portal) return html(404, donePage("This session does not exist"));
        if (method === "POST" && match[2]) {
          const sub = subscriptions.get(match[2]);
          if (sub?.customer === portal.customer) cancel(sub);
          return redirect(`/p/session/${match[1]}`);
        }
        const own = [...subscriptions.values()].filter((s) => s.customer === portal.customer);
        return html(200, portalPage(match[1]!, own, portal.returnUrl));
      }
      if (url.pathname === "/return") return html(200, donePage("Back from Stripe"));
      if (url.pathname === "/_standin/events") {
        const customerId = url.searchParams.get("customer");
        const chosen = events.filter((e) => !customerId || e.customer === customerId);
        return json(200, await Promise.all(chosen.map(async (e) => ({ ...e, signature: await sign(e.payload) }))));
      }
      match = /^\/_standin\/customers\/([^/]+)$/.exec(url.pathname);
      if (match) {
        const found = customers.get(match[1]!);
        if (!found) throw missing("customer", match[1]!);
        const own = [...subscriptions.values()].filter((s) => s.customer === found.id);
        const invoices = new Set(own.map((s) => s.latest_invoice));
        const refunded = [...refunds.values()].filter((r) => invoices.has(r._invoice)).map(publicObject);
        const checkouts = [...sessions.values()].filter((c) => c.customer === found.id).map(publicSession);
        return json(200, { customer: found, subscriptions: own, refunds: refunded, checkoutSessions: checkouts });
      }
      match = /^\/_standin\/subscriptions\/([^/]+)\/(payment-failed|price|cancel)$/.exec(url.pathname);
      if (match && method === "POST") {
        const sub = subscriptions.get(match[1]!);
        if (!sub) throw missing("subscription", match[1]!);
        if (match[2] === "payment-failed") failPayment(sub);
        else if (match[2] === "price") changePrice(sub, String(form.price));
        else cancel(sub);
        return json(200, sub);
      }
      throw new HttpError(404, apiError("invalid_request_error", `Unrecognized request URL (${method}: ${url.pathname}).`));
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, error.body);
      return json(500, apiError("api_error", "The stand-in failed."));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    host: "127.0.0.1",
    port,
    protocol: "http",
    events,
    setWebhookUrl(next: string) {
      webhookUrl = next;
    },
    async idle() {
      let seen: Promise<void> | undefined;
      while (seen !== deliveries) {
        seen = deliveries;
        await seen;
      }
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
