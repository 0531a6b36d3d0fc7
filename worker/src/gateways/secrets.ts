/**
 * Which gateway a presented secret belongs to, across a secret rotation
 * (`rotateGatewaySecret` in provision.ts): the current secret always works;
 * the previous one only until its overlap window ends. The first request
 * with the current secret drops the previous one for good, so an old secret
 * never outlives the gateway's switch to the new one.
 */
import { and, eq, gt, isNotNull, or } from "drizzle-orm";
import type { AppContext } from "../context";
import { tokenHash } from "../crypto/keyed-hash";
import { gateways } from "../db/schema";

export async function gatewayForSecret(ctx: AppContext, secret: string, nowMs = Date.now()): Promise<{ id: string } | undefined> {
  const { db } = ctx;
  // Secrets are 256-bit random, so a plain SHA-256 is enough to store and look them up.
  const hash = await tokenHash(secret);
  const row = await db
    .select({ id: gateways.id, secretHash: gateways.secretHash, previousSecretHash: gateways.previousSecretHash })
    .from(gateways)
    .where(or(eq(gateways.secretHash, hash), and(eq(gateways.previousSecretHash, hash), gt(gateways.previousSecretExpiresAt, nowMs))))
    .get();
  if (!row) return undefined;
  if (row.secretHash === hash && row.previousSecretHash !== null) {
    // Conditional on the secret still being current, so a rotation racing this request is not undone.
    await db
      .update(gateways)
      .set({ previousSecretHash: null, previousSecretExpiresAt: null })
      .where(and(eq(gateways.id, row.id), eq(gateways.secretHash, hash), isNotNull(gateways.previousSecretHash)));
  }
  return { id: row.id };
}
