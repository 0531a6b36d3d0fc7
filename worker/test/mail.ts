/**
 * Reading what the worker sent, in the workerd tests: EMAIL is the mail
 * catcher (test/mail-catcher.js), fed by the real email queue and its
 * consumer, so a message shows up once the queue has delivered it.
 */
import { env } from "cloudflare:test";

export interface CaughtMessage {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

interface Catcher {
  inbox(to: string): Promise<CaughtMessage[]>;
  refuse(to: string, times: number): Promise<void>;
}

export const catcher = () => env.EMAIL as unknown as Catcher;

/** Waits until `to` has received `count` messages (queue batches arrive within about a second), then returns them all. */
export async function inbox(to: string, count = 1, timeoutMs = 15_000): Promise<CaughtMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await catcher().inbox(to);
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`${to} received ${messages.length} of ${count} messages`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The message's link token (after #token=). */
export function linkToken(message: CaughtMessage): string {
  const match = /#token=([A-Za-z0-9_-]+)/.exec(message.text);
  if (!match) throw new Error(`no link in "${message.subject}"`);
  return match[1]!;
}

/** The newest message to `to` whose subject contains `subject`, waiting for it. */
export async function latest(to: string, subject: string, timeoutMs = 15_000): Promise<CaughtMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await catcher().inbox(to)).filter((m) => m.subject.includes(subject)).at(-1);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no "${subject}" message for ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Gives the queue time to deliver, then returns how many messages `to` has. */
export async function settledCount(to: string, waitMs = 2500): Promise<number> {
  await new Promise((r) => setTimeout(r, waitMs));
  return (await catcher().inbox(to)).length;
}
