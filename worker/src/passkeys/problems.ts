/** The problems of the passkey flows, in one place so routes and tests say the same. */
import { Problem } from "../problem";

export const invalidTicket = () =>
  new Problem("invalid_ticket", "This passkey link has expired or was already used. Open it again from the extension.");

export const invalidPasskey = (why: string) => new Problem("invalid_passkey", `The passkey was not accepted: ${why}`);

export const expiredPasskeyStep = () =>
  new Problem("invalid_challenge", "This passkey step has expired or was already used. Start again from the extension.");
