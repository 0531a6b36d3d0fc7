/**
 * Registering a passkey: the popup (signed in) gets a one-time ticket and
 * opens /account/passkeys#ticket=… in a tab; that page trades the ticket for
 * creation options (the ticket is spent then) and sends the new credential
 * back, which @simplewebauthn/server checks against the stored challenge,
 * our rpID and origin, and ES256/RS256. A refused credential stores nothing
 * and leaves its challenge usable for a corrected try until it expires.
 */
import type { Passkey, PasskeyTicketResponse } from "@cargo-vpn/shared";
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { type AccountRow, findById } from "../accounts/accounts";
import { MAX_PASSKEYS_PER_ACCOUNT, PASSKEY_ALGORITHMS, PASSKEY_TICKET_TTL_MS, WEBAUTHN_CHALLENGE_TTL_MS } from "../constants";
import type { AppContext } from "../context";
import { randomToken } from "../crypto/keyed-hash";
import { linkTo } from "../email/links";
import { Problem } from "../problem";
import { challengeOf } from "./client-data";
import { expiredPasskeyStep, invalidPasskey, invalidTicket } from "./problems";
import { relyingParty } from "./relying-party";
import { peekStep, putStep, takeStep } from "./steps";
import { insertPasskey, passkeyCount, passkeyRows, passkeyView, transportsOf } from "./store";

export async function issueTicket(ctx: AppContext, row: AccountRow): Promise<PasskeyTicketResponse> {
  const ticket = randomToken();
  const expiresAt = await putStep(ctx.db, ticket, row.id, "ticket", PASSKEY_TICKET_TTL_MS);
  return {
    ticket,
    url: linkTo(ctx.settings, "passkeys", row.language, ticket, "ticket"),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

export async function registrationOptions(ctx: AppContext, ticket: string) {
  const accountId = await takeStep(ctx.db, ticket, "ticket");
  const row = accountId && (await findById(ctx.db, accountId));
  if (!row) throw invalidTicket();
  const existing = await passkeyRows(ctx.db, row.id);
  if (existing.length >= MAX_PASSKEYS_PER_ACCOUNT) throw tooMany();
  const rp = relyingParty(ctx.settings);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    // The account pages never learn the username: the authenticator shows the product's name.
    userName: "Cargo VPN account",
    userID: new Uint8Array(new TextEncoder().encode(row.id)),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
    authenticatorSelection: { residentKey: "discouraged", userVerification: "preferred" },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  await putStep(ctx.db, options.challenge, row.id, "register", WEBAUTHN_CHALLENGE_TTL_MS);
  return options;
}

const tooMany = () =>
  new Problem("validation_failed", `An account can have at most ${MAX_PASSKEYS_PER_ACCOUNT} passkeys. Remove one first.`);

export async function registerPasskey(
  ctx: AppContext,
  response: RegistrationResponseJSON,
  label: string | undefined,
): Promise<{ row: AccountRow; passkey: Passkey }> {
  const challenge = challengeOf(response.response.clientDataJSON);
  const step = await peekStep(ctx.db, challenge, "register");
  const row = step && (await findById(ctx.db, step.accountId));
  if (!row) throw expiredPasskeyStep();
  const rp = relyingParty(ctx.settings);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: false,
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  }).catch((error: unknown) => {
    throw invalidPasskey(error instanceof Error ? error.message : "it could not be verified.");
  });
  if (!verification.verified) throw invalidPasskey("it could not be verified.");
  if ((await passkeyCount(ctx.db, row.id)) >= MAX_PASSKEYS_PER_ACCOUNT) throw tooMany();
  if ((await takeStep(ctx.db, challenge, "register")) !== row.id) throw expiredPasskeyStep();
  const { credential } = verification.registrationInfo;
  const keys = await ctx.keys();
  const stored = await insertPasskey(
    ctx.db,
    keys,
    row,
    {
      id: credential.id,
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
    },
    label ?? "Passkey",
  ).catch((error: unknown) => {
    if (String(error).includes("UNIQUE")) throw invalidPasskey("this passkey is already registered.");
    throw error;
  });
  return { row, passkey: await passkeyView(keys, row, stored) };
}
