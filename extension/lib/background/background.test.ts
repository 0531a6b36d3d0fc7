import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { TelemetryEvent } from "@cargo-vpn/shared/schemas";
import type { Tokens } from "../api/token-store";
import type { ConnectionEvent, ConnectionState } from "../connection/state-machine";
import { badgeFor, badgeTitle } from "./badge";
import { createGatewayWatch, GATEWAY_GRACE_MS } from "./gateway-watch";
import { connectionView } from "./handlers";
import { createTelemetryReporter, telemetryEvent } from "./telemetry";

const connected: ConnectionState = {
  name: "connected",
  locationId: "fra",
  session: { id: "s1", startedAt: "2026-01-01T00:00:00Z" },
  proxy: { scheme: "https", host: "gw", port: 443 },
  credentials: { username: "s1", password: "secret", expiresAt: "2030-01-01T00:00:00Z" },
  renewAttempt: 0,
  renewAt: 0,
};

beforeEach(() => fakeBrowser.reset());

describe("telemetry", () => {
  const tokens = (optIn: boolean) => ({ get: async () => ({ account: { telemetryOptIn: optIn } }) as Tokens });

  it("events carry exactly the contract's fields and pass its schema", () => {
    const event = telemetryEvent("connected", "https", "chrome", Date.parse("2026-01-01T00:00:00Z"));
    expect(TelemetryEvent.parse(event)).toEqual({
      attemptAt: "2026-01-01T00:00:00.000Z",
      connectionType: "https-proxy",
      encryptionType: "tls1.3",
      deviceType: "chrome",
      outcome: "connected",
    });
    expect(telemetryEvent("failed", "http", "firefox", 0)).toMatchObject({ connectionType: "http-proxy", encryptionType: "none" });
  });

  it("nothing is sent unless the account opted in", async () => {
    const sent: unknown[] = [];
    const off = createTelemetryReporter({ send: async (e) => sent.push(e), tokens: tokens(false), deviceType: "chrome" });
    expect(await off("connected", "https")).toBe(false);
    expect(sent).toEqual([]);
    const on = createTelemetryReporter({ send: async (e) => sent.push(e), tokens: tokens(true), deviceType: "chrome" });
    expect(await on("connected", "https")).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("Firefox: nothing is sent without the browser's data consent, even opted in (the user can revoke it in Firefox)", async () => {
    const sent: unknown[] = [];
    let consent = false;
    const report = createTelemetryReporter({
      send: async (e) => sent.push(e),
      tokens: tokens(true),
      deviceType: "firefox",
      browserConsent: async () => consent,
    });
    expect(await report("connected", "https")).toBe(false);
    expect(sent).toEqual([]);
    consent = true;
    expect(await report("connected", "https")).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("a failing send never throws into the connection", async () => {
    const on = createTelemetryReporter({ send: async () => Promise.reject(new Error("down")), tokens: tokens(true), deviceType: "chrome" });
    expect(await on("failed")).toBe(false);
  });
});

describe("gateway watch", () => {
  it("reconnects only after proxy failures last the grace period, and only while connected", () => {
    let state: ConnectionState = connected;
    let now = 0;
    const events: ConnectionEvent[] = [];
    const watch = createGatewayWatch(
      () => state,
      (e) => events.push(e),
      () => now,
    );
    expect(watch({ error: "net::ERR_PROXY_CONNECTION_FAILED" })).toBe(false);
    now = GATEWAY_GRACE_MS - 1;
    expect(watch({ error: "net::ERR_PROXY_CONNECTION_FAILED" })).toBe(false);
    expect(watch({ error: "net::ERR_NAME_NOT_RESOLVED" })).toBe(false); // a website's problem, not the gateway's
    now = GATEWAY_GRACE_MS + 1;
    expect(watch({ error: "net::ERR_PROXY_CONNECTION_FAILED" })).toBe(true);
    expect(events).toEqual([{ type: "GATEWAY_UNREACHABLE" }]);
    state = { name: "reconnecting", locationId: "fra", attempt: 0 };
    now += 100_000;
    expect(watch({ error: "net::ERR_PROXY_CONNECTION_FAILED" })).toBe(false); // the hold proxy fails by design
  });
});

describe("what the popup sees", () => {
  it("connectionView never exposes proxy credentials", () => {
    const view = connectionView(connected);
    expect(view).toEqual({ state: "connected", locationId: "fra", sessionId: "s1", sessionStartedAt: "2026-01-01T00:00:00Z" });
    expect(JSON.stringify(view)).not.toContain("secret");
    expect(connectionView({ name: "error", reason: "network", blocking: true })).toEqual({
      state: "error",
      reason: "network",
      blocking: true,
    });
  });

  it("the toolbar tooltip names the location, every placeholder filled", () => {
    const messages: Record<string, string> = {
      extName: "Cargo VPN",
      badgeConnected: "Connected to $1",
      badgeConnectedNowhere: "Connected",
    };
    const i18n = {
      getMessage: (key: string, subs: string[] = []) =>
        (messages[key] ?? "").replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? ""),
    };
    const browser = { i18n } as never;
    expect(badgeTitle(browser, connected, { label: "Frankfurt (Germany)", country: "DE" })).toBe(
      "Cargo VPN — Connected to Frankfurt (Germany)",
    );
    expect(badgeTitle(browser, connected)).toBe("Cargo VPN — Connected");
  });

  it("the badge makes held and failed states visible", () => {
    expect(badgeFor(connected).text).toBe("ON");
    expect(badgeFor(connected, { label: "Frankfurt (Germany)", country: "de" }).text).toBe("DE");
    expect(badgeFor({ name: "held", locationId: "x", attempt: 0 }).text).toBe("…");
    expect(badgeFor({ name: "error", reason: "network", blocking: true }).text).toBe("!");
    expect(badgeFor({ name: "disconnected" }).text).toBe("");
  });
});
