/**
 * The one place that hears about a plan changed by billing (checkout done,
 * plan switched in the portal, subscription ended). The plan-change notice by
 * email (API.md "Notices") is sent from here once the mailer exists: the lead
 * wires `onPlanChanged` to it when the email work is merged. Until then it
 * does nothing, on purpose; the plan itself has already changed when it runs.
 */
import type { AccountRow } from "../accounts/accounts";
import type { Env } from "../env";

export async function onPlanChanged(_env: Env, _account: AccountRow, _from: string, _to: string): Promise<void> {
  // Wire the "plan changed" notice here (to the account's address, decrypted from _account).
}
