/**
 * Background entrypoint. Kept thin on purpose: all wiring lives in
 * lib/background/main.ts. `main` runs synchronously when the service worker
 * (Chrome) or background page (Firefox) starts, which is what lets the proxy
 * auth and proxy.onRequest listeners catch the event that woke us.
 */
import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { startBackground } from "../lib/background/main";

export default defineBackground(() => {
  startBackground({ browser, kind: import.meta.env.BROWSER === "firefox" ? "firefox" : "chrome" });
});
