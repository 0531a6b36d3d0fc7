/**
 * The popup in a DOM (happy-dom) against the real background handlers, the
 * real connection service and the in-memory API, for unit tests: page calls go
 * to the handlers as the runtime would carry them, state pushes go through
 * storage.session as in the browser, and user-facing strings come from the
 * real _locales messages.
 *
 *   const popup = await openPopup();           // signed out
 *   popup.button("Create an account").click();
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { createApiClient } from "../../lib/api/client";
import { createTokenStore, type StorageAreas } from "../../lib/api/token-store";
import { AlarmTimers } from "../../lib/adapters/alarm-timers";
import { ProxyAuthAnswerer } from "../../lib/adapters/proxy-auth";
import { connectionView, createHandlers } from "../../lib/background/handlers";
import { ConnectionService, type ProxyRoute } from "../../lib/connection/connection-service";
import { StorageConnectionStore } from "../../lib/connection/connection-store";
import { publishConnection, watchConnection } from "../../lib/messages/connection-feed";
import { request, type Message } from "../../lib/messages/protocol";
import { SettingsStore } from "../../lib/settings/settings-store";
import type { Call } from "../../lib/ui/messenger";
import type { ProbeDeps } from "../../lib/ui/popup/latency";
import { startPopup } from "../../lib/ui/popup/popup-app";
import { createFakeApi } from "./fake-api";

const messages = JSON.parse(readFileSync(join(__dirname, "../../public/_locales/en/messages.json"), "utf8")) as Record<
  string,
  { message: string }
>;

/** browser.i18n.getMessage over the real messages, with $1…$9 substituted as Chrome does. */
export function installMessages(): void {
  (fakeBrowser.i18n as unknown as { getMessage: (key: string, subs?: string[]) => string }).getMessage = (key, subs = []) =>
    messages[key]?.message.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? "") ?? "";
}

export function startBackgroundFor(
  server = createFakeApi(),
  options: {
    storeBuild?: boolean /** Each proxy apply waits for this (the browser taking its time). */;
    applyGate?: () => Promise<void>;
  } = {},
) {
  const storage = fakeBrowser.storage as unknown as StorageAreas;
  const settings = new SettingsStore(storage.local);
  const tokens = createTokenStore(storage);
  const api = createApiClient({ baseUrl: async () => (await settings.get()).apiUrl, tokens, fetch: server.fetch });
  const routes: Array<ProxyRoute | "cleared"> = [];
  const opened: string[] = [];
  const connection = new ConnectionService({
    api,
    proxy: {
      apply: async (route) => {
        await options.applyGate?.();
        routes.push(route);
        return "ok";
      },
      clear: async () => void routes.push("cleared"),
    },
    auth: new ProxyAuthAnswerer(storage.session),
    privacy: { protect: async () => {}, restore: async () => {} },
    timers: new AlarmTimers(fakeBrowser.alarms),
    store: new StorageConnectionStore(storage, settings),
    onChange: (state) => void publishConnection(storage.session, connectionView(state)),
  });
  const handlers = createHandlers({
    api,
    tokens,
    settings,
    connection,
    device: { kind: "chrome", label: "Chrome on Linux" },
    proxyControlledByOther: async () => false,
    openTab: async (url) => void opened.push(url),
    apiUrlEditable: !options.storeBuild,
  });
  const send = async (message: Message) => {
    try {
      return { ok: true, value: await (handlers[message.type] as (p: unknown) => Promise<unknown>)(message.payload) };
    } catch (error) {
      return { ok: false, error: (error as { info?: unknown }).info ?? { code: "unknown", status: 0 } };
    }
  };
  const call: Call = (type, payload) => request(send, type, payload);
  return { server, connection, routes, opened, call, tokens };
}

export type Background = ReturnType<typeof startBackgroundFor>;

/** Opens the popup on a fresh #app; resolves once it is interactive. */
/** `probe`: how the picker times gateways; by default no probe ever answers, so "Fastest" goes by load. */
/** `call`: how the popup reaches the background; by default straight through. */
export async function openPopup(background: Background, probe?: ProbeDeps, pollMs = 1e9, call: Call = background.call) {
  document.body.innerHTML = `<div id="app"></div>`;
  const root = document.getElementById("app")!;
  const popup = startPopup(root, call, {
    openOptions: () => {},
    watchConnection: (listener) => watchConnection(fakeBrowser.storage.session as never, listener),
    // No timer refresh unless asked: what changes on screen changed by push.
    pollMs,
    probe: probe ?? { fetch: () => new Promise<Response>(() => {}), now: () => performance.now() },
  });
  await until(() => root.dataset.ready === "true");
  return { root, stop: popup.stop, ...queries(root) };
}

export function queries(root: HTMLElement) {
  const name = (el: Element) =>
    (
      el.getAttribute("aria-label") ??
      (el.getAttribute("aria-labelledby")
        ? el
            .getAttribute("aria-labelledby")!
            .split(" ")
            .map((id) => document.getElementById(id)?.textContent ?? "")
            .join(" ")
        : el.textContent) ??
      ""
    ).trim();
  return {
    byLabel<T extends HTMLElement = HTMLInputElement>(text: string): T {
      const label = [...root.querySelectorAll("label")].find((l) => l.textContent?.trim() === text);
      const control = label ? (document.getElementById(label.htmlFor) as T | null) : null;
      if (!control) throw new Error(`no control labelled "${text}"`);
      return control;
    },
    button(text: string): HTMLButtonElement {
      const found = [...root.querySelectorAll("button")].find((b) => name(b) === text);
      if (!found) throw new Error(`no button "${text}" in: ${[...root.querySelectorAll("button")].map(name).join(" | ")}`);
      return found;
    },
    switchNamed(text: string): HTMLElement {
      const found = [...root.querySelectorAll<HTMLElement>('[role="switch"]')].find((s) => name(s) === text);
      if (!found) throw new Error(`no switch "${text}"`);
      return found;
    },
    text: () => root.textContent ?? "",
    fill(text: string, value: string) {
      const input = this.byLabel(text);
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    },
    submit(buttonText: string) {
      const form = this.button(buttonText).closest("form")!;
      form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    },
  };
}

export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
