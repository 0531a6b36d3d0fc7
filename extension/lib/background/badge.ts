/**
 * The toolbar badge mirrors the connection, so a held or failed tunnel is
 * visible without opening the popup (never a silent half state). Connected,
 * the badge shows the exit country's code and the tooltip names the location
 * ("Cargo VPN — Connected to Frankfurt (Germany)").
 */
import type { ConnectionState } from "../connection/state-machine";
import type { MessageKey } from "../ui/i18n";

/** The toolbar button: `action` in MV3, `browserAction` in Firefox's MV2 (typed there as callback-style, so maybe no promise). */
interface ToolbarAction {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
  setTitle(details: { title: string }): Promise<void> | void;
}

/** The slice of `browser` the badge needs. */
export interface BadgeBrowser {
  action?: ToolbarAction;
  browserAction?: ToolbarAction;
  i18n: { getMessage(key: MessageKey, substitutions?: string[]): string };
}

/** The location the state is about, as the badge names it. */
export interface BadgeLocation {
  /** "Frankfurt (Germany)". */
  label: string;
  /** ISO 3166 code, "DE". */
  country: string;
}

export function badgeFor(state: ConnectionState, location?: BadgeLocation): { text: string; color: string; titleKey: MessageKey } {
  switch (state.name) {
    case "connected":
      return {
        text: location?.country.toUpperCase() ?? "ON",
        color: "#1a7f37",
        titleKey: location ? "badgeConnected" : "badgeConnectedNowhere",
      };
    case "connecting":
      return { text: "…", color: "#9a6700", titleKey: location ? "badgeConnecting" : "badgeConnectingNowhere" };
    case "reconnecting":
    case "held":
      return { text: "…", color: "#9a6700", titleKey: location ? "badgeHeld" : "badgeHeldNowhere" };
    case "error":
      return { text: "!", color: "#cf222e", titleKey: "stateError" };
    case "disconnected":
      return { text: "", color: "#57606a", titleKey: "stateDisconnected" };
  }
}

/** "Cargo VPN — Connected to Frankfurt (Germany)": every placeholder filled (never "Connected to ."). */
export function badgeTitle(browser: BadgeBrowser, state: ConnectionState, location?: BadgeLocation): string {
  const { titleKey } = badgeFor(state, location);
  return `${browser.i18n.getMessage("extName")} — ${browser.i18n.getMessage(titleKey, location ? [location.label] : [])}`;
}

export async function showBadge(browser: BadgeBrowser, state: ConnectionState, location?: BadgeLocation): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  if (!action) return;
  const badge = badgeFor(state, location);
  await action.setBadgeText({ text: badge.text });
  await action.setBadgeBackgroundColor({ color: badge.color });
  await action.setTitle({ title: badgeTitle(browser, state, location) });
}
