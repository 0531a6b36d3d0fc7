/**
 * Outgoing email as it waits in the queue. Queue bodies persist in storage
 * until delivered, so the whole message (address, subject, body with its link
 * token) is sealed with AES-256-GCM under a key derived from the server's
 * secrets (queue-key.ts); nothing readable sits in queue storage.
 *
 *   const body = await sealEmail(keys, { to, subject, text, html });
 *   const email = await openEmail(keys, body);   // in the consumer
 */
import { decryptField, encryptField } from "../crypto/envelope";
import type { ServerKeys } from "../crypto/keys";
import type { SealedEmail } from "../queue-messages";
import { queueKey } from "./queue-key";

export interface OutgoingEmail {
  to: string;
  subject: string;
  /** The plain-text part; every message has one. */
  text: string;
  /** The simple HTML part: no remote resources, no tracking. */
  html: string;
}

const CONTEXT = { owner: "email-queue", field: "message" } as const;

export async function sealEmail(keys: ServerKeys, email: OutgoingEmail): Promise<SealedEmail> {
  return { v: 1, sealed: await encryptField(await queueKey(keys), CONTEXT.owner, CONTEXT.field, JSON.stringify(email)) };
}

export async function openEmail(keys: ServerKeys, body: SealedEmail): Promise<OutgoingEmail> {
  return JSON.parse(await decryptField(await queueKey(keys), CONTEXT.owner, CONTEXT.field, body.sealed)) as OutgoingEmail;
}
