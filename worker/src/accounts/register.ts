/**
 * Registration: the per-client quota, the username and address checks, the
 * account itself, and its first verification link (best effort: the account
 * exists either way and the person can ask for another link).
 *
 *   const account = await registerAccount(ctx, body, clientAddress);
 */
import type { Account } from "@cargo-vpn/shared";
import type { AppContext } from "../context";
import { sendVerificationLink } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { limitClient } from "../throttle/client-limits";
import { assertAvailable, createAccount, type NewAccount } from "./accounts";
import { accountView } from "./account-view";

export async function registerAccount(ctx: AppContext, input: NewAccount, clientAddress: string): Promise<Account> {
  const keys = await ctx.keys();
  await limitClient(ctx, "register", clientAddress);
  await assertAvailable(ctx.db, keys, input.username, input.email);
  const row = await createAccount(ctx.db, keys, input);
  await bestEffort(sendVerificationLink(ctx, row, input.email));
  // A new account has never bought anything: no billing row.
  return accountView(keys, row, null);
}
