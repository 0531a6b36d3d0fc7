/**
 * Worker entry: the API for fetch, housekeeping for the cron trigger, and the
 * Durable Object classes wrangler binds.
 */
import { createApp } from "./app";
import type { Env } from "./env";
import { housekeeping } from "./housekeeping";
import { BILLING_QUEUE_NAME, type BillingMessage, handleBillingQueue } from "./billing/billing-queue";

export { AccountDevices } from "./devices/account-devices";
export { LoginThrottle } from "./throttle/login-throttle";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(housekeeping(env, controller.scheduledTime));
  },
  async queue(batch, env) {
    if (batch.queue === BILLING_QUEUE_NAME) await handleBillingQueue(batch as MessageBatch<BillingMessage>, env);
  },
} satisfies ExportedHandler<Env>;
