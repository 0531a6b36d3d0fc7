/**
 * What Hono carries through a request: the bindings (`c.env`) and the
 * variables middleware sets (`c.get("ctx")`, `c.get("auth")`, …). Every app,
 * router and middleware is typed with it.
 */
import type { AccountRow } from "../accounts/accounts";
import type { AuthContext, GatewayContext } from "../auth/callers";
import type { SubscriptionRow } from "../billing/subscription-store";
import type { AppContext } from "../context";
import type { AccessClaims } from "../crypto/tokens";
import type { Env } from "../env";

export type AppBindings = {
  Bindings: Env;
  Variables: {
    auth: AuthContext;
    account: AccountRow;
    /** The account's billing row, read with it by `authenticate` (null: it never bought anything). */
    billing: SubscriptionRow | null;
    /** A verified token's claims, its sign-in not yet proved live (http/authenticate.ts `verifyTokenOnly`). */
    claims: AccessClaims;
    gateway: GatewayContext;
    ctx: AppContext;
  };
};
