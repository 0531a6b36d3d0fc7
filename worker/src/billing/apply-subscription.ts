/**
 * Writes a subscription's new state to its account: the subscriptions row and
 * the account's plan change in one D1 batch, by compare-and-swap on the row's
 * revision, so concurrent deliveries for one account are decided one after
 * the other and the ordering rule (subscription-state.ts) always sees what is
 * really stored. The plan takes effect at once: sign-ins read it from the
 * account row (more devices than the new limit stay signed in; new ones get
 * `device_limit` until the account is under it).
 */
import { and, eq, sql } from "drizzle-orm";
import type { AccountRow } from "../accounts/accounts";
import { planFor, SUBSCRIPTION_UPDATE_ATTEMPTS } from "../constants";
import type { AppContext } from "../context";
import { accounts, subscriptions } from "../db/schema";
import { graceAfter } from "./downgrade-grace";
import { onPlanChanged } from "./plan-changed";
import { billingRowOf, isLive, newRevision, sealSubscriptionId, stripeIdsOf } from "./subscription-store";
import { decide, type SubscriptionState } from "./subscription-state";

/** "extra": a second live subscription while the account's tracked one is live: not applied, to be cancelled (extra-subscription.ts). */
export type ApplyOutcome = "applied" | "stale" | "refetch" | "extra";

/**
 * `fresh` says the state was just read from Stripe (not taken from an event
 * payload), so it is the truth even when its timestamp ties with what is stored.
 */
export async function applySubscriptionState(
  ctx: AppContext,
  account: AccountRow,
  state: SubscriptionState,
  fresh: boolean,
  nowMs = Date.now(),
): Promise<ApplyOutcome> {
  const { db } = ctx;
  const keys = await ctx.keys();
  for (let attempt = 0; attempt < SUBSCRIPTION_UPDATE_ATTEMPTS; attempt++) {
    const row = await billingRowOf(db, account.id);
    if (!row) return "stale";
    const { subscriptionId } = await stripeIdsOf(keys, account, row);
    if (subscriptionId && subscriptionId !== state.subscriptionId && isLive(row.status) && isLive(state.status)) return "extra";
    const verdict = decide({ subscriptionId, status: row.status, eventCreated: row.eventCreated }, state);
    if (verdict === "stale" || (verdict === "refetch" && !fresh)) return verdict;

    // A paid-for price this deployment does not list keeps the plan on record (subscription-state.ts).
    const planId = state.planId ?? planFor(row.planId).id;
    const accountPlan = state.planId ?? sql`${accounts.planId}`;
    // Going down starts the devices' grace period, going up ends it (downgrade-grace.ts).
    const grace = state.planId === null ? undefined : graceAfter(ctx, account.planId, state.planId, nowMs);
    const revision = newRevision();
    const [updated] = await db.batch([
      db
        .update(subscriptions)
        .set({
          subscriptionCiphertext:
            subscriptionId === state.subscriptionId
              ? row.subscriptionCiphertext
              : await sealSubscriptionId(keys, account, state.subscriptionId),
          planId,
          status: state.status,
          renewsAt: state.renewsAt,
          cancelAt: state.cancelAt,
          eventCreated: state.eventCreated,
          revision,
          updatedAt: nowMs,
          // A subscription state arrived: the checkout that led to it is over (checkout-hold.ts).
          checkoutUntil: null,
          checkoutCiphertext: null,
        })
        .where(and(eq(subscriptions.accountId, account.id), eq(subscriptions.revision, row.revision)))
        .returning({ accountId: subscriptions.accountId }),
      // Only the statement whose revision won moves the plan.
      db
        .update(accounts)
        .set({ planId: accountPlan, ...(grace === undefined ? {} : { downgradeGraceUntil: grace }) })
        .where(
          and(
            eq(accounts.id, account.id),
            sql`exists (select 1 from ${subscriptions} where ${subscriptions.accountId} = ${account.id} and ${subscriptions.revision} = ${revision})`,
          ),
        ),
    ]);
    if (updated.length === 1) {
      if (state.planId !== null && row.planId !== state.planId) await onPlanChanged(ctx, account, state.planId, grace ?? null);
      return "applied";
    }
  }
  throw new Error("subscription update kept losing races");
}
