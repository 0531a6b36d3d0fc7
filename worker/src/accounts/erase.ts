/**
 * Deactivation and erasure (DELETE /v1/me). The D1 rows go in one batch, the
 * wrapped data key with them, so every token stops working at once and any
 * surviving copy of a ciphertext is unreadable; then the Durable Object
 * records (device slots, the username's sign-in counters, the email send
 * counters of the account and its address) are wiped and the account's
 * sessions leave the gateways' usage intakes; email link tokens go
 * with the rows. Open tunnel sessions vanish with the rows, and gateways drop
 * them on their next heartbeat because they are no longer open. An account
 * that bought a plan also has its subscription canceled and its customer
 * deleted at Stripe (queued for later when Stripe cannot be reached: erasure
 * never waits on it).
 */
import { eq } from "drizzle-orm";
import type { AppContext } from "../context";
import {
  accounts,
  emailTokens,
  planChanges,
  recoveryCodes,
  refreshTokens,
  signIns,
  signInChallenges,
  subscriptions,
  telemetryEvents,
  tunnelSessions,
  twoFactor,
  passkeys,
  webauthnChallenges,
  usageDays,
} from "../db/schema";
import { endAtStripe, stripeIdsForErasure } from "../billing/billing-queue";
import { deviceSlots } from "../devices/device-slots";
import { rateLimiter } from "../throttle/rate-limiter";
import { usageIntake } from "../usage/usage-intake";
import { USAGE_BATCH_RETENTION_MS } from "../constants";
import { forgetDataKey } from "../crypto/envelope";
import type { AccountRow } from "./accounts";

export async function eraseAccount(ctx: AppContext, row: AccountRow): Promise<void> {
  const { env, db } = ctx;
  // Read before the batch destroys the key that opens them.
  const stripeIds = await stripeIdsForErasure(db, await ctx.keys(), row);
  // Sessions whose bytes an intake may still hold (a fold in flight is retried for at most the retry window).
  const recent = await env.DB.prepare(
    "SELECT id, gateway_id AS gatewayId FROM tunnel_sessions WHERE account_id = ?1 AND (ended_at IS NULL OR ended_at > ?2)",
  )
    .bind(row.id, Date.now() - USAGE_BATCH_RETENTION_MS)
    .all<{ id: string; gatewayId: string }>();
  const byGateway = new Map<string, string[]>();
  for (const s of recent.results) byGateway.set(s.gatewayId, [...(byGateway.get(s.gatewayId) ?? []), s.id]);
  await db.batch([
    db.delete(subscriptions).where(eq(subscriptions.accountId, row.id)),
    db.delete(planChanges).where(eq(planChanges.accountId, row.id)),
    db.delete(telemetryEvents).where(eq(telemetryEvents.accountId, row.id)),
    db.delete(tunnelSessions).where(eq(tunnelSessions.accountId, row.id)),
    db.delete(usageDays).where(eq(usageDays.accountId, row.id)),
    db.delete(refreshTokens).where(eq(refreshTokens.accountId, row.id)),
    db.delete(signIns).where(eq(signIns.accountId, row.id)),
    db.delete(emailTokens).where(eq(emailTokens.accountId, row.id)),
    db.delete(signInChallenges).where(eq(signInChallenges.accountId, row.id)),
    db.delete(recoveryCodes).where(eq(recoveryCodes.accountId, row.id)),
    db.delete(twoFactor).where(eq(twoFactor.accountId, row.id)),
    db.delete(passkeys).where(eq(passkeys.accountId, row.id)),
    db.delete(webauthnChallenges).where(eq(webauthnChallenges.accountId, row.id)),
    db.delete(accounts).where(eq(accounts.id, row.id)),
  ]);
  // The key is gone from D1; this isolate's opened copy goes too (others age out: crypto/envelope.ts).
  forgetDataKey((await ctx.keys()).kek, row.wrappedKey, row.id);
  await Promise.all([
    deviceSlots(ctx, row.id).erase(),
    // The account's sessions' bytes not folded yet; their D1 rows are gone, so no later fold recreates them.
    ...[...byGateway].map(([gatewayId, ids]) => usageIntake(ctx, gatewayId).purge(ids)),
    rateLimiter(ctx, "user", row.usernameIndex).erase(),
    // The email send counters tied to the account and its address, and its second-factor failures.
    rateLimiter(ctx, "resend", row.id).erase(),
    rateLimiter(ctx, "email", row.emailIndex).erase(),
    rateLimiter(ctx, "second-factor", row.id).erase(),
  ]);
  if (stripeIds) await endAtStripe(ctx, stripeIds);
}
