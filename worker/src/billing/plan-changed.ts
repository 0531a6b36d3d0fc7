/**
 * The one place that hears about a plan changed by billing (checkout done,
 * plan switched in the portal, subscription ended): it sends the plan-change
 * notice. The plan has already changed when this runs, so a notice that
 * cannot be queued is logged by class and does not fail the webhook (Stripe
 * would redeliver an event that is already applied).
 */
import type { AccountRow } from "../accounts/accounts";
import type { PlanId } from "../constants";
import type { AppContext } from "../context";
import { sendPlanChangedNotice } from "../email/mailer";
import { bestEffort } from "../email/outbox";

/** `graceUntil`: when the plan went down, until when devices above the new limit stay signed in (downgrade-grace.ts). */
export async function onPlanChanged(ctx: AppContext, account: AccountRow, to: PlanId, graceUntil: number | null = null): Promise<void> {
  await bestEffort(sendPlanChangedNotice(ctx, account, to, graceUntil));
}
