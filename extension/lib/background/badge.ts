/**
 * The toolbar badge mirrors the connection, so a held or failed tunnel is
 * visible without opening the popup (never a silent half state).
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
  i18n: { getMessage(key: MessageKey): string };
}

export function badgeFor(state: ConnectionState): { text: string; color: string; titleKey: MessageKey } {
  switch (state.name) {
    case "connected":
      return { text: "ON", color: "#1a7f37", titleKey: "stateConnected" };
    case "connecting":
    case "reconnecting":
    case "held":
      return { text: "…", color: "#9a6700", titleKey: state.name === "connecting" ? "stateConnecting" : "stateHeld" };
    case "error":
      return { text: "!", color: "#cf222e", titleKey: "stateError" };
    case "disconnected":
      return { text: "", color: "#57606a", titleKey: "stateDisconnected" };
  }
}

export async function showBadge(browser: BadgeBrowser, state: ConnectionState): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  if (!action) return;
  const badge = badgeFor(state);
  await action.setBadgeText({ text: badge.text });
  await action.setBadgeBackgroundColor({ color: badge.color });
  await action.setTitle({ title: `${browser.i18n.getMessage("extName")} — ${browser.i18n.getMessage(badge.titleKey)}` });
}
