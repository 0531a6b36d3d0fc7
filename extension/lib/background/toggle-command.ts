/**
 * The keyboard shortcut (manifest `commands`, "toggle-vpn", Alt+Shift+V by
 * default, changeable in the browser's shortcut settings): on → off, or off →
 * on at the last location used (else the first online one). It goes through
 * the same handlers as the popup's switch, so the hold comes first exactly as
 * for a click; signed out, it does nothing.
 */
import type { Location } from "@cargo-vpn/shared/schemas";
import { isProtecting, type ConnectionState } from "../connection/state-machine";
import type { Handlers } from "../messages/protocol";

export const TOGGLE_COMMAND = "toggle-vpn";

export interface ToggleDeps {
  state: () => ConnectionState;
  handlers: Pick<Handlers, "connect" | "disconnect">;
  signedIn: () => Promise<boolean>;
  lastLocationId: () => Promise<string | null>;
  locations: () => Promise<Location[] | null>;
}

export async function toggleVpn(deps: ToggleDeps): Promise<"on" | "off" | "nothing"> {
  if (isProtecting(deps.state())) {
    await deps.handlers.disconnect(undefined);
    return "off";
  }
  if (!(await deps.signedIn())) return "nothing";
  const known = (await deps.locations()) ?? [];
  const last = await deps.lastLocationId();
  const target = known.find((l) => l.id === last && l.online) ?? known.find((l) => l.online);
  const locationId = target?.id ?? last;
  if (!locationId) return "nothing";
  await deps.handlers.connect({ locationId });
  return "on";
}
