/**
 * "Send me a link" by address (password reset, deletion): the answer is the
 * same 202 whether or not an account has the address, and takes about as
 * long: both paths do the same lookup and rate-limit work before answering,
 * and issuing and queueing the link for a real account runs after the
 * response (waitUntil). Limited per address and client, per address and per
 * client (send-limits.ts); a signed-in owner asking for their own address is
 * limited only per account, so strangers cannot lock them out.
 */
import { eq } from "drizzle-orm";
import type { AppContext } from "../context";
import { blindIndex, clientHash } from "../crypto/keyed-hash";
import { accounts } from "../db/schema";
import type { AccountRow } from "../accounts/accounts";
import { addressOf, sendDeletionLink, sendPasswordResetLink } from "./mailer";
import { takeLinkRequest, takeOwnerLinkRequest } from "./send-limits";

export type LinkRequestPurpose = "reset" | "deletion";

export async function requestLink(
  ctx: AppContext,
  execution: Pick<ExecutionContext, "waitUntil">,
  purpose: LinkRequestPurpose,
  email: string,
  clientAddress: string,
  signedIn: AccountRow | null = null,
): Promise<void> {
  const { db } = ctx;
  const keys = await ctx.keys();
  const [emailIndex, client] = await Promise.all([blindIndex(keys.index, "email", email), clientHash(keys.index, clientAddress)]);
  if (signedIn && signedIn.emailIndex === emailIndex) await takeOwnerLinkRequest(ctx, signedIn.id);
  else await takeLinkRequest(ctx, emailIndex, client);
  const row = await db.select().from(accounts).where(eq(accounts.emailIndex, emailIndex)).get();
  if (!row) return;
  const send = purpose === "reset" ? sendPasswordResetLink : sendDeletionLink;
  execution.waitUntil(
    (async () => send(ctx, row, await addressOf(ctx, row)))().catch((error: unknown) => {
      console.error(`email link request failed: ${error instanceof Error ? error.name : "unknown"}`);
    }),
  );
}
