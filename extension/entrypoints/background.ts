/**
 * Background entrypoint. Kept thin on purpose: all wiring lives in
 * lib/background/main.ts. `main` runs synchronously when the service worker
 * (Chrome) or background page (Firefox) starts, which is what lets the proxy
 * auth and proxy.onRequest listeners catch the event that woke us.
 */
import browser from "webextension-polyfill";
import { defineBackground } from "wxt/utils/define-background";
import type { ChromeWebRequest } from "../lib/adapters/proxy-auth";
import { startBackground } from "../lib/background/main";

declare const chrome: { webRequest: ChromeWebRequest } | undefined;

export default defineBackground(() => {
  const kind = import.meta.env.BROWSER === "firefox" ? "firefox" : "chrome";
  startBackground({ browser, kind, chrome: kind === "chrome" ? chrome : undefined });
});
