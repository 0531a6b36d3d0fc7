/**
 * Stripe API objects as the stand-in answers them: the shapes of API version
 * 2026-10-28 (billing periods on subscription items, an invoice's
 * subscription under `parent.subscription_details`), trimmed to the fields a
 * client reads but never renamed. Pure functions, no I/O.
 */
import { randomBytes } from "node:crypto";

const API_VERSION = "2026-10-28.endive";

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface PriceInfo {
  amount: number;
  currency: string;
  interval: "month" | "year";
}

export interface Customer {
  id: string;
  object: "customer";
  created: number;
  email: string | null;
  metadata: Record<string, string>;
  livemode: false;
  deleted?: true;
}

export interface Subscription {
  id: string;
  object: "subscription";
  customer: string;
  status: "incomplete" | "active" | "past_due" | "unpaid" | "canceled";
  created: number;
  start_date: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  currency: string;
  collection_method: "charge_automatically";
  latest_invoice: string | null;
  livemode: false;
  metadata: Record<string, string>;
  items: { object: "list"; data: SubscriptionItem[]; has_more: false; url: string };
}

export interface SubscriptionItem {
  id: string;
  object: "subscription_item";
  created: number;
  current_period_start: number;
  current_period_end: number;
  quantity: number;
  subscription: string;
  price: ReturnType<typeof price>;
}

export interface CheckoutSession {
  id: string;
  object: "checkout.session";
  mode: "subscription";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  customer: string | null;
  subscription: string | null;
  client_reference_id: string | null;
  success_url: string | null;
  cancel_url: string | null;
  url: string | null;
  created: number;
  expires_at: number;
  currency: string;
  amount_total: number;
  livemode: false;
  metadata: Record<string, string>;
  /** Kept for the page and the subscription it creates; Stripe returns line items only when expanded. */
  _lineItems: { price: string; quantity: number }[];
  _subscriptionMetadata: Record<string, string>;
}

export function price(id: string, info: PriceInfo) {
  return {
    id,
    object: "price" as const,
    active: true,
    currency: info.currency,
    unit_amount: info.amount,
    type: "recurring" as const,
    recurring: { interval: info.interval, interval_count: 1, usage_type: "licensed" as const },
    product: `prod_${id.replace(/^price_/, "")}`,
    livemode: false as const,
  };
}

export function customer(metadata: Record<string, string>): Customer {
  return { id: stripeId("cus"), object: "customer", created: nowSeconds(), email: null, metadata, livemode: false };
}

export function periodEnd(start: number, interval: "month" | "year"): number {
  const date = new Date(start * 1000);
  if (interval === "month") date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCFullYear(date.getUTCFullYear() + 1);
  return Math.floor(date.getTime() / 1000);
}

export function subscription(customerId: string, priceId: string, info: PriceInfo, metadata: Record<string, string>): Subscription {
  const id = stripeId("sub");
  const now = nowSeconds();
  return {
    id,
    object: "subscription",
    customer: customerId,
    status: "active",
    created: now,
    start_date: now,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    currency: info.currency,
    collection_method: "charge_automatically",
    latest_invoice: stripeId("in"),
    livemode: false,
    metadata,
    items: {
      object: "list",
      data: [
        {
          id: stripeId("si"),
          object: "subscription_item",
          created: now,
          current_period_start: now,
          current_period_end: periodEnd(now, info.interval),
          quantity: 1,
          subscription: id,
          price: price(priceId, info),
        },
      ],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
  };
}

export function invoice(sub: Subscription, status: "paid" | "open", attemptCount: number) {
  const item = sub.items.data[0]!;
  return {
    id: sub.latest_invoice ?? stripeId("in"),
    object: "invoice" as const,
    customer: sub.customer,
    status,
    currency: sub.currency,
    amount_due: item.price.unit_amount,
    amount_paid: status === "paid" ? item.price.unit_amount : 0,
    attempt_count: attemptCount,
    attempted: true,
    billing_reason: "subscription_cycle" as const,
    next_payment_attempt: status === "paid" ? null : nowSeconds() + 3 * 24 * 3600,
    period_start: item.current_period_start,
    period_end: item.current_period_end,
    created: nowSeconds(),
    livemode: false as const,
    parent: {
      type: "subscription_details" as const,
      quote_details: null,
      subscription_details: { subscription: sub.id, metadata: sub.metadata },
    },
  };
}

/** How an invoice was paid (API 2025-03-31 and later: payments hang off the invoice, not the other way round). */
export interface InvoicePayment {
  id: string;
  object: "invoice_payment";
  invoice: string;
  amount_paid: number;
  amount_requested: number;
  currency: string;
  is_default: true;
  livemode: false;
  status: "paid";
  payment: { type: "payment_intent"; payment_intent: string };
  created: number;
}

export function invoicePayment(invoiceId: string, amount: number, currency: string): InvoicePayment {
  return {
    id: stripeId("inpay"),
    object: "invoice_payment",
    invoice: invoiceId,
    amount_paid: amount,
    amount_requested: amount,
    currency,
    is_default: true,
    livemode: false,
    status: "paid",
    payment: { type: "payment_intent", payment_intent: stripeId("pi") },
    created: nowSeconds(),
  };
}

export interface Refund {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  payment_intent: string;
  status: "succeeded";
  reason: string | null;
  created: number;
  metadata: Record<string, string>;
  /** The invoice it refunds, for the stand-in's own customer view. */
  _invoice: string;
}

export function portalSession(customerId: string, returnUrl: string | null, url: string) {
  return {
    id: stripeId("bps"),
    object: "billing_portal.session" as const,
    configuration: "bpc_standin",
    created: nowSeconds(),
    customer: customerId,
    flow: null,
    livemode: false as const,
    locale: null,
    on_behalf_of: null,
    return_url: returnUrl,
    url,
  };
}

export function event(type: string, object: unknown, previousAttributes?: Record<string, unknown>) {
  return {
    id: stripeId("evt"),
    object: "event" as const,
    api_version: API_VERSION,
    created: nowSeconds(),
    data: { object, ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** Stripe's error envelope. */
export function apiError(type: "invalid_request_error" | "api_error", message: string, code?: string, param?: string) {
  return { error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } };
}
