/**
 * The stand-in's hosted pages: Checkout (a "Pay" button where Stripe would
 * take the card) and the Customer Portal (each subscription with a "Cancel
 * subscription" button). Plain HTML forms, so a person or a browser test
 * presses the buttons by role and name.
 */
import type { CheckoutSession, PriceInfo, Subscription } from "./objects.ts";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}
.note{color:#555;font-size:.9rem}</style></head>
<body><p class="note">Local Stripe stand-in: no card is taken and nothing is charged.</p>${body}</body></html>`;
}

export function checkoutPage(session: CheckoutSession, prices: Record<string, PriceInfo>): string {
  if (session.status !== "open") {
    return layout("Checkout", `<h1>This checkout is ${escapeHtml(session.status)}</h1>`);
  }
  const lines = session._lineItems
    .map((item) => {
      const info = Object.hasOwn(prices, item.price) ? prices[item.price] : undefined;
      return `<li>${escapeHtml(item.price)}: ${info ? `${money(info.amount, info.currency)} per ${info.interval}` : ""}</li>`;
    })
    .join("");
  return layout(
    "Checkout",
    `<h1>Subscribe</h1><ul>${lines}</ul>
<form method="post" action="/c/pay/${escapeHtml(session.id)}"><button type="submit">Pay</button></form>
${session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Back</a></p>` : ""}`,
  );
}

export function portalPage(sessionId: string, subscriptions: Subscription[], returnUrl: string | null): string {
  const rows = subscriptions
    .map((sub) => {
      const item = sub.items.data[0]!;
      const live = sub.status !== "canceled";
      return `<section aria-label="Subscription ${escapeHtml(item.price.id)}"><h2>${escapeHtml(item.price.id)}</h2>
<p>Status: ${escapeHtml(sub.status)}${live ? `, renews ${new Date(item.current_period_end * 1000).toISOString().slice(0, 10)}` : ""}</p>
${live ? `<form method="post" action="/p/session/${escapeHtml(sessionId)}/cancel/${escapeHtml(sub.id)}"><button type="submit">Cancel subscription</button></form>` : ""}
</section>`;
    })
    .join("");
  return layout(
    "Billing",
    `<h1>Your subscriptions</h1>${rows || "<p>No subscriptions.</p>"}
${returnUrl ? `<p><a href="${escapeHtml(returnUrl)}">Return</a></p>` : ""}`,
  );
}

export function donePage(message: string): string {
  return layout("Done", `<h1>${escapeHtml(message)}</h1><p>You can close this tab.</p>`);
}
