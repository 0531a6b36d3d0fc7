/**
 * What each queue carries (names in constants.ts, bindings in env.ts, the one
 * consumer in index.ts). Nothing personal and nothing readable: a billing
 * message holds two Stripe ids, an email message is sealed whole
 * (email/sealed-email.ts).
 */

/** BILLING_QUEUE: an erased account's Stripe clean-up, retried until Stripe answers (billing/billing-queue.ts). */
export interface BillingMessage {
  kind: "end-customer";
  customerId: string;
  subscriptionId: string | null;
}

/** EMAIL_QUEUE: one outgoing message, sealed. `v` lets a later format be told apart. */
export interface SealedEmail {
  v: 1;
  sealed: string;
}
