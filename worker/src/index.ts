/**
 * Worker entry: the API for fetch, housekeeping for the cron trigger, queue
 * consumers (outgoing email), and the Durable Object classes wrangler binds.
 */
import { createApp } from "./app";
import { appContext } from "./context";
import type { Env } from "./env";
import { housekeeping } from "./housekeeping";
import { handleBillingQueue } from "./billing/billing-queue";
import { BILLING_QUEUE_NAME, EMAIL_QUEUE_NAME } from "./constants";
import { deliverEmails } from "./email/delivery";
import type { BillingMessage, SealedEmail } from "./queue-messages";
import { requestCountsAsked, withRequestCounts } from "./http/request-counts";

export { DeviceSlots } from "./devices/device-slots";
export { RateLimiter } from "./throttle/rate-limiter";
export { UsageIntake } from "./usage/usage-intake";

const app = createApp();

export default {
  // The bench's cost counters (http/request-counts.ts) only when a local setting and the request both ask.
  fetch: (request: Request, env: Env, execution: ExecutionContext) =>
    requestCountsAsked(env, request)
      ? withRequestCounts(env, (counted) => app.fetch(request, counted, execution))
      : app.fetch(request, env, execution),
  async scheduled(controller, env, execution) {
    execution.waitUntil(housekeeping(appContext(env), controller.scheduledTime));
  },
  // One consumer for every queue: each batch goes to the handler of its queue, with one context per batch.
  async queue(batch, env) {
    const ctx = appContext(env);
    if (batch.queue === BILLING_QUEUE_NAME) await handleBillingQueue(ctx, batch as MessageBatch<BillingMessage>);
    if (batch.queue === EMAIL_QUEUE_NAME) await deliverEmails(ctx, batch as MessageBatch<SealedEmail>);
  },
} satisfies ExportedHandler<Env>;
