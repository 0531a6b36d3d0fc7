/**
 * A Chromium virtual WebAuthn authenticator on one tab, over CDP
 * (WebAuthn.enable + WebAuthn.addVirtualAuthenticator): a platform
 * authenticator that says yes by itself (user present and verified), so the
 * passkey pages run headless with nobody to touch a key. Chromium's virtual
 * authenticators live per tab: to use in another tab a passkey made in one,
 * hand its credentials to the new tab's authenticator.
 *
 *   const held = await virtualAuthenticator(page);   // then register on `page`
 *   const credentials = await held();                // the passkeys it holds now
 *   await virtualAuthenticator(otherTab, credentials);
 */
import type { Page } from "playwright-core";

/** A passkey as CDP's WebAuthn domain gives and takes it. */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  privateKey: string;
  signCount: number;
  rpId?: string;
  userHandle?: string;
}

export async function virtualAuthenticator(page: Page, credentials: VirtualCredential[] = []): Promise<() => Promise<VirtualCredential[]>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  for (const credential of credentials) await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
  return async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials as VirtualCredential[];
}
