/** Plans and purchase: what is for sale, hosted Checkout and Customer Portal, and Stripe's webhooks. */
import { createRoute, z } from "@hono/zod-openapi";
import { BillingUrlResponse, CheckoutRequest, PlansResponse, WebhookResponse } from "@cargo-vpn/shared";
import { openPortal, startCheckout } from "../billing/checkout";
import { plansView } from "../billing/prices";
import { processEvent, verifyEvent } from "../billing/webhook";
import { authenticate } from "../http/authenticate";
import { bearer, jsonBody, jsonResponse, problems, router } from "../http/router";

export const billingRoutes = router();

billingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/plans",
    operationId: "listPlans",
    tags: ["billing"],
    summary: "Every plan, its device limit and its prices",
    responses: { 200: jsonResponse("The plans", PlansResponse) },
  }),
  (c) => c.json({ plans: plansView(c.get("ctx").settings) }, 200),
);

billingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/billing/checkout",
    operationId: "startCheckout",
    tags: ["billing"],
    summary: "Start buying a plan: answers the hosted Stripe Checkout page to open",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(CheckoutRequest),
    responses: {
      200: jsonResponse("The Checkout page", BillingUrlResponse),
      ...problems(
        "unauthorized",
        "email_unverified",
        "already_subscribed",
        "checkout_open",
        "not_found",
        "validation_failed",
        "malformed_json",
        "unavailable",
      ),
    },
  }),
  async (c) => {
    const { plan, interval } = c.req.valid("json");
    return c.json({ url: await startCheckout(c.get("ctx"), c.get("account"), plan, interval) }, 200);
  },
);

billingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/billing/portal",
    operationId: "openPortal",
    tags: ["billing"],
    summary: "Manage or cancel the subscription: answers the hosted Stripe Customer Portal page to open",
    security: bearer,
    middleware: [authenticate] as const,
    responses: {
      200: jsonResponse("The Customer Portal page", BillingUrlResponse),
      ...problems("unauthorized", "not_found", "unavailable"),
    },
  }),
  async (c) => c.json({ url: await openPortal(c.get("ctx"), c.get("account")) }, 200),
);

billingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/billing/webhook",
    operationId: "stripeWebhook",
    tags: ["billing"],
    summary: "Stripe's event deliveries, authenticated only by the Stripe-Signature header (body up to 1 MiB)",
    request: {
      headers: z.object({ "stripe-signature": z.string().optional().meta({ description: "Stripe's t=…,v1=… signature of the raw body" }) }),
      body: { required: true, content: { "application/json": { schema: z.looseObject({}).meta({ description: "a Stripe event" }) } } },
    },
    responses: {
      200: jsonResponse("Received (applied once, or a replay, or an event that concerns nobody here)", WebhookResponse),
      ...problems("validation_failed", "malformed_json", "payload_too_large", "unavailable"),
    },
  }),
  async (c) => {
    const event = await verifyEvent(c.get("ctx"), await c.req.text(), c.req.header("stripe-signature"));
    const outcome = await processEvent(c.get("ctx"), event);
    return c.json({ received: true as const, outcome }, 200);
  },
);
