/**
 * The username a password reset asks for again (issue 18 item 5): the reset
 * page seals the name under the new password's key, so the server checks the
 * typed name against the account's blind index before it stores that
 * ciphertext. A wrong name is 400 username_mismatch and changes nothing but a
 * counter per account (RESET_USERNAME_ATTEMPTS an hour, the reset link's
 * lifetime; then 429 for right and wrong names alike), so someone holding
 * only the mailbox cannot try names without end.
 *
 *   await assertResetUsername(ctx, row, input.username);
 */
import { RESET_LINK_TTL_MS } from "../constants";
import type { AppContext } from "../context";
import { blindIndex } from "../crypto/keyed-hash";
import { Problem } from "../problem";
import { rateLimiter } from "../throttle/rate-limiter";
import type { AccountRow } from "./accounts";

/** Wrong names a reset may try per account within RESET_LINK_TTL_MS. */
const RESET_USERNAME_ATTEMPTS = 5;
const LIMITS = [{ key: "reset-username", max: RESET_USERNAME_ATTEMPTS }];

export async function assertResetUsername(ctx: AppContext, row: AccountRow, username: string, nowMs = Date.now()): Promise<void> {
  const keys = await ctx.keys();
  // The account's own sign-in counter object (erased with the account).
  const counter = rateLimiter(ctx, "user", row.usernameIndex);
  const right = (await blindIndex(keys.index, "username", username)) === row.usernameIndex;
  // A wrong name is counted in the same atomic step that checks the limit, so parallel guesses cannot overrun it;
  // past the limit a right name waits too, so the answer tells nothing then.
  const wait = right ? await counter.retryAfter(LIMITS, nowMs) : await counter.consume(LIMITS, nowMs, RESET_LINK_TTL_MS);
  if (wait > 0) {
    throw new Problem(
      "rate_limited",
      `Too many wrong usernames for this reset. Try again in ${wait} seconds.`,
      { retryAfter: wait },
      { "retry-after": String(wait) },
    );
  }
  if (!right) throw new Problem("username_mismatch", "That is not this account's username. Type the username you sign in with.");
}
