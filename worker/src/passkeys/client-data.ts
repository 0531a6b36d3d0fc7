/**
 * The challenge a WebAuthn response answers, read from its clientDataJSON
 * before verification: it names which stored step the response is for.
 * @simplewebauthn/server then checks the response against that step.
 */
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { invalidPasskey } from "./problems";

export function challengeOf(clientDataJSON: string): string {
  try {
    const parsed = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)) as { challenge?: unknown };
    if (typeof parsed.challenge === "string" && parsed.challenge.length > 0) return parsed.challenge;
  } catch {
    // falls through to the refusal below
  }
  throw invalidPasskey("its client data cannot be read.");
}
