/**
 * Worker entry: the API for fetch, housekeeping for the cron trigger, and the
 * Durable Object classes wrangler binds.
 */
import { createApp } from "./app";
import type { Env } from "./env";
import { housekeeping } from "./housekeeping";

export { AccountDevices } from "./devices/account-devices";
export { LoginThrottle } from "./throttle/login-throttle";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(housekeeping(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
