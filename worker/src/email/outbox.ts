/**
 * Handing a message to the email queue: sealed first (sealed-email.ts), then
 * sent to EMAIL_QUEUE. The request that caused it waits only for the enqueue,
 * never for the mail service; delivery.ts sends it and retries failures.
 */
import type { AppContext } from "../context";
import { type OutgoingEmail, sealEmail } from "./sealed-email";

export async function queueEmail(ctx: AppContext, email: OutgoingEmail): Promise<void> {
  await ctx.env.EMAIL_QUEUE.send(await sealEmail(await ctx.keys(), email), { contentType: "json" });
}

/**
 * For messages that follow a change already made (a notice, the link after
 * registration): a failure to queue is logged by class and swallowed, so the
 * change still answers success; the person can ask for a link again. The
 * erasure confirmation does not use this: it is queued before erasing.
 */
export async function bestEffort(queued: Promise<void>): Promise<void> {
  try {
    await queued;
  } catch (error) {
    console.error(`email not queued: ${error instanceof Error ? error.name : "unknown"}`);
  }
}
