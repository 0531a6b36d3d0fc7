/**
 * A passkey as the second step of a sign-in. The popup opens
 * /account/passkey-sign-in#challenge=… (the sign-in challenge from 401
 * second_factor_required); that page asks for options (the account's
 * credentials and a fresh WebAuthn challenge bound to the sign-in) and sends
 * the assertion back. A right one spends the WebAuthn challenge, moves the
 * signature counter on, and marks the sign-in challenge verified; the popup,
 * polling POST /v1/auth/second-factor {challenge, passkey: true}, then gets
 * the tokens. Tokens never reach the web page.
 */
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { and, eq, gt } from "drizzle-orm";
import { WEBAUTHN_CHALLENGE_TTL_MS } from "../constants";
import type { AppContext } from "../context";
import { tokenHash } from "../crypto/keyed-hash";
import { signInChallenges } from "../db/schema";
import { liveChallenge } from "../two-factor/challenges";
import { challengeOf } from "./client-data";
import { expiredPasskeyStep, invalidPasskey } from "./problems";
import { relyingParty } from "./relying-party";
import { peekStep, putStep, takeStep } from "./steps";
import { advanceCounter, findPasskey, passkeyRows, transportsOf } from "./store";

export async function passkeySignInOptions(ctx: AppContext, signInChallenge: string) {
  const live = await liveChallenge(ctx.db, signInChallenge);
  const credentials = await passkeyRows(ctx.db, live.accountId);
  if (credentials.length === 0) throw invalidPasskey("this account has no passkey. Use a code instead.");
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx.settings).id,
    allowCredentials: credentials.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
    userVerification: "preferred",
  });
  await putStep(ctx.db, options.challenge, live.accountId, "sign-in", WEBAUTHN_CHALLENGE_TTL_MS, await tokenHash(signInChallenge));
  return options;
}

export async function verifyPasskeySignIn(ctx: AppContext, signInChallenge: string, response: AuthenticationResponseJSON): Promise<void> {
  const live = await liveChallenge(ctx.db, signInChallenge);
  const signInHash = await tokenHash(signInChallenge);
  const challenge = challengeOf(response.response.clientDataJSON);
  const step = await peekStep(ctx.db, challenge, "sign-in");
  if (!step || step.accountId !== live.accountId || step.signInHash !== signInHash) throw expiredPasskeyStep();
  const stored = await findPasskey(ctx.db, live.accountId, response.id);
  if (!stored) throw invalidPasskey("it is not one of this account's passkeys.");
  const rp = relyingParty(ctx.settings);
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: {
      id: stored.credentialId,
      publicKey: isoBase64URL.toBuffer(stored.publicKey),
      counter: stored.counter,
      transports: transportsOf(stored),
    },
    requireUserVerification: false,
  }).catch((error: unknown) => {
    throw invalidPasskey(error instanceof Error ? error.message : "it could not be verified.");
  });
  if (!verification.verified) throw invalidPasskey("the signature is wrong.");
  if ((await takeStep(ctx.db, challenge, "sign-in")) !== live.accountId) throw expiredPasskeyStep();
  if (!(await advanceCounter(ctx.db, stored, verification.authenticationInfo.newCounter)))
    throw invalidPasskey("another sign-in used this passkey at the same time.");
  await ctx.db
    .update(signInChallenges)
    .set({ passkeyVerifiedAt: Date.now() })
    .where(and(eq(signInChallenges.tokenHash, signInHash), gt(signInChallenges.expiresAt, Date.now())));
}
