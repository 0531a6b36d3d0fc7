/**
 * The WebAuthn relying party: PUBLIC_BASE_URL's host is the rpID and its
 * origin the only origin an assertion may come from, so a passkey made for
 * the account pages works nowhere else. Browsers refuse IP addresses as an
 * rpID, which is why a local stack serves its pages on http://localhost.
 */
import type { Language } from "@cargo-vpn/shared";
import { linkTo } from "../email/links";
import type { Settings } from "../settings";

export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export function relyingParty(settings: Settings): RelyingParty {
  const url = new URL(settings.linkBaseUrl);
  return { id: url.hostname, origin: url.origin, name: "Cargo VPN" };
}

/** The account page, in the account's language, that uses a passkey for a sign-in waiting for it (the popup opens it in a tab). */
export function passkeySignInUrl(settings: Settings, language: Language, signInChallenge: string): string {
  return linkTo(settings, "passkey-sign-in", language, signInChallenge, "challenge");
}
