/**
 * The email queue's consumer: opens each sealed message and hands it to the
 * `send_email` binding. A send that fails is retried later by the queue
 * (delay doubling from EMAIL_RETRY_DELAY_SECONDS up to a cap, at most
 * max_retries times, see wrangler.toml), so no message, the erasure
 * confirmation included, is lost to a passing failure. Nothing about a
 * message is kept once the binding has it; logs name only the error class.
 */
import { EMAIL_RETRY_DELAY_CAP_SECONDS } from "../constants";
import type { AppContext } from "../context";
import type { SealedEmail } from "../queue-messages";
import { openEmail } from "./sealed-email";

export async function deliverEmails(ctx: AppContext, batch: MessageBatch<SealedEmail>): Promise<void> {
  const keys = await ctx.keys();
  const from = ctx.settings.emailFrom;
  for (const message of batch.messages) {
    let email: Awaited<ReturnType<typeof openEmail>>;
    try {
      email = await openEmail(keys, message.body);
    } catch {
      // Sealed under another INDEX_KEY: no retry could ever open it.
      console.error("email delivery: a message could not be opened and was dropped");
      message.ack();
      continue;
    }
    try {
      await ctx.env.EMAIL.send({ from, to: email.to, subject: email.subject, text: email.text, html: email.html });
      message.ack();
    } catch (error) {
      console.error(`email delivery failed on attempt ${message.attempts}: ${error instanceof Error ? error.name : "unknown"}; retrying`);
      message.retry({ delaySeconds: retryDelaySeconds(ctx, message.attempts) });
    }
  }
}

export function retryDelaySeconds(ctx: AppContext, attempts: number): number {
  const first = ctx.settings.emailRetryDelaySeconds;
  return Math.min(first * 2 ** Math.max(0, attempts - 1), EMAIL_RETRY_DELAY_CAP_SECONDS);
}
