/**
 * "Load a page the instant the switch reads on", for the connect-race tests
 * of both browsers. A test that waits for `aria-checked="true"` from outside
 * (a locator's poll, a WebDriver round trip) loads the page milliseconds
 * after the flip and so misses a switch that reads on a little before the
 * hold is in force. Instead these scripts run inside the popup: a
 * MutationObserver sees the attribute change in the very task that made it
 * and, in its callback, points a tab it created at the page (`tabs.update`),
 * so the load is issued at the flip. The click and the flip are timestamped
 * on the common clock (`performance.timeOrigin + performance.now()`).
 *
 * Each is a function body for Firefox's `run(context, body, ...args)`; for
 * playwright, `inPage(body, args)` wraps it as an expression.
 */

/** What `ARM_LOAD_AT_FLIP` leaves in the popup, read by `RACE_RESULT`. */
export interface RaceRecord {
  tabId: number;
  clickAt: number | null;
  flipAt: number | null;
  /**
   * Chromium only: when \`proxy.settings.onChange\` told this page the hold proxy was set (the browser
   * has taken it). Firefox routes per request in the background's \`proxy.onRequest\`, which no page sees.
   */
  holdAt: number | null;
  /** The tab's title once its load ended: the test page's, or the browser's error page's. */
  title: string | null;
  url: string | null;
}

/**
 * args[0]: the URL to load at the flip. Creates a background tab, arms the
 * observer on the "VPN" switch (which must read off), resolves once armed.
 */
export const ARM_LOAD_AT_FLIP = `
  const api = globalThis.browser ?? globalThis.chrome;
  // Firefox's run() hands arguments over JSON-encoded; playwright's evaluate as they are.
  const url = (() => { try { return JSON.parse(args[0]); } catch { return args[0]; } })();
  const now = () => performance.timeOrigin + performance.now();
  const toggle = document.querySelector('[role="switch"][aria-labelledby="vpn-label"]');
  if (!toggle || toggle.getAttribute("aria-checked") !== "false") throw new Error("the VPN switch must read off before arming");
  const tab = await api.tabs.create({ url: "about:blank", active: false });
  const record = { tabId: tab.id, clickAt: null, flipAt: null, holdAt: null, title: null, url: null };
  globalThis.__race = record;
  if (api.proxy?.settings?.onChange) {
    const onHold = (details) => {
      if (details.value?.rules?.singleProxy?.port !== 1) return;
      if (record.holdAt === null) record.holdAt = now();
      api.proxy.settings.onChange.removeListener(onHold);
    };
    api.proxy.settings.onChange.addListener(onHold);
  }
  toggle.addEventListener("click", () => { if (record.clickAt === null) record.clickAt = now(); }, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    if (toggle.getAttribute("aria-checked") !== "true") return;
    observer.disconnect();
    record.flipAt = now();
    void api.tabs.update(record.tabId, { url });
  });
  observer.observe(toggle, { attributes: true, attributeFilter: ["aria-checked"] });
  return record.tabId;
`;

/** Resolves (in the popup) once the tab loaded at the flip has finished, with the record; closes the tab. */
export const RACE_RESULT = `
  const api = globalThis.browser ?? globalThis.chrome;
  const record = globalThis.__race;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (record.flipAt !== null) {
      const tab = await api.tabs.get(record.tabId);
      if (tab.status === "complete" && tab.url && tab.url !== "about:blank") {
        record.title = tab.title ?? null;
        record.url = tab.url;
        break;
      }
    }
    if (Date.now() > deadline) throw new Error("the page loaded at the flip never finished: " + JSON.stringify(record));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await api.tabs.remove(record.tabId);
  return record;
`;

/** A function body as a playwright `evaluate` expression (`args` bound to `args`). */
export function inPage(body: string, args: unknown[] = []): string {
  return `(async (args) => { ${body} })(${JSON.stringify(args)})`;
}

/** The title the test origin's pages carry (testkit/src/origin.ts): a load that arrived. */
export const ORIGIN_TITLE = "origin";

/** Milliseconds, for the report: median and max of a list. */
export function spread(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}
