/**
 * Test-only stand-in for the Cloudflare Email Service `send_email` binding in
 * the workerd tests (vitest.config.ts binds it as EMAIL). It takes the same
 * `send({ from, to, subject, text, html })` call and answers `{ messageId }`,
 * and keeps what it was given so tests can read the inbox of an address.
 * `refuse(to, times)` makes the next sends to that address fail, the way a
 * mail service outage would. The local stack (`wrangler dev`) uses wrangler's
 * own simulation instead.
 */
import { WorkerEntrypoint } from "cloudflare:workers";

const sent = [];
const refusals = new Map();

function address(value) {
  return typeof value === "string" ? value : value.email;
}

export class MailCatcher extends WorkerEntrypoint {
  async send(message) {
    const to = [message.to].flat().map(address);
    if (!message.from || to.length === 0 || typeof message.subject !== "string" || (!message.text && !message.html)) {
      throw new TypeError("send() needs from, to, subject and text or html");
    }
    for (const recipient of to) {
      const left = refusals.get(recipient) ?? 0;
      if (left > 0) {
        refusals.set(recipient, left - 1);
        throw new Error("the mail service is unavailable");
      }
    }
    const messageId = `${crypto.randomUUID()}@catcher.test`;
    sent.push({ messageId, from: address(message.from), to, subject: message.subject, text: message.text ?? "", html: message.html ?? "" });
    return { messageId };
  }

  /** Every message sent to `to` so far, oldest first. */
  async inbox(to) {
    return sent.filter((m) => m.to.includes(to));
  }

  async refuse(to, times) {
    refusals.set(to, times);
  }
}

export default {
  fetch() {
    return new Response("mail catcher", { status: 404 });
  },
};
