/**
 * The keyboard shortcut (manifest `commands`, "toggle-vpn", Alt+Shift+V by
 * default, changeable in the browser's shortcut settings): on → off, or off →
 * on at the last location used (else the default, as the popup's picker
 * preselects it: "Fastest", latency.ts defaultLocation). It goes through
 * the same handlers as the popup's switch, so the hold comes first exactly as
 * for a click; signed out, it does nothing.
 */
import type { Location } from "@cargo-vpn/shared/schemas";
import { isProtecting, type ConnectionState } from "../connection/state-machine";
import type { Handlers } from "../messages/protocol";
import { defaultLocation } from "../ui/popup/latency";

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
  // No figures here: the popup measures them and keeps them in its own localStorage, which an MV3 service
  // worker cannot read, and probing every gateway now would delay the hold behind a key press. So the
  // "before anything was measured" Fastest: the lowest load, what a fresh popup preselects too.
  const target = known.find((l) => l.id === last && l.online) ?? defaultLocation(known, new Map());
  const locationId = target?.id ?? last;
  if (!locationId) return "nothing";
  await deps.handlers.connect({ locationId });
  return "on";
}
