/**
 * Chromium and Firefox ESR speak HTTP/2 to the gateway's TLS listener when it
 * offers h2 (issue 22): with the extension connected to the https location,
 * a page whose 60 resources come from 12 https origins on loopback loads with
 * every tunnel a stream on one or two TLS connections to the gateway, not one
 * connection per origin. Asserted from the gateway's own figures (TLS
 * connections by negotiated ALPN, tunnels opened), not assumed.
 *
 * The gateway's self-signed certificate (also the origins') is trusted in
 * Chromium by its public-key hash, as in extension-tls.e2e.test.ts, and in
 * Firefox with WebDriver's acceptInsecureCerts.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { type Firefox, launchFirefox } from "@cargo-vpn/testkit/firefox";
import {
  buildFirefoxExtension,
  clickSwitch,
  LOOPBACK_PREFS,
  routeLoopbackThroughTunnel as routeFirefox,
  signUp as signUpFirefox,
  waitForState,
} from "@cargo-vpn/testkit/firefox-flows";
import { type ManyOrigins, startManyOrigins } from "@cargo-vpn/testkit/many-origins";
import { connect, routeLoopbackThroughTunnel, signUp } from "@cargo-vpn/testkit/popup-flows";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { startStack, type Stack } from "@cargo-vpn/stack";

const ORIGINS = 12;
const PER_ORIGIN = 5;

let state: string;
let stack: Stack;
let site: ManyOrigins;
const tls = selfSignedCert();

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-h2-e2e-"));
  // No HTTP/1.1-only port, where the extension would send Firefox (gateway README, "Firefox and HTTP/2"): this file is
  // about what each browser does with a proxy that offers h2, and pages this small never reach Firefox's stall.
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500, tls: { ...tls, h2: true, http1Port: false } });
  site = await startManyOrigins({ count: ORIGINS, perOrigin: PER_ORIGIN, tls });
});

afterAll(async () => {
  await site?.close();
  await stack?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

/** What the gateway saw while `load` ran: TLS connections by ALPN and tunnels opened. */
async function throughGateway(load: () => Promise<void>) {
  const before = stack.gateway.metrics();
  const requests = site.requests;
  const started = Date.now();
  await load();
  const ms = Date.now() - started;
  const after = stack.gateway.metrics();
  return {
    h2: after.tlsConnectionsH2 - before.tlsConnectionsH2,
    http1: after.tlsConnectionsHttp1 - before.tlsConnectionsHttp1,
    flows: after.flowsOpened - before.flowsOpened,
    requests: site.requests - requests,
    ms,
  };
}

/** The page's own account of its load: resources fetched and the load event's time. */
const PAGE_FIGURES = `
  const nav = performance.getEntriesByType("navigation")[0];
  return { resources: performance.getEntriesByType("resource").length, complete: document.readyState === "complete", loadMs: nav ? Math.round(nav.loadEventEnd - nav.startTime) : -1 };
`;

function chromiumPhase(name: string, http2: boolean) {
  describe(`Chromium through the TLS gateway, ${name}`, () => {
    let profile: string;
    let browser: Browser;
    let phase: ReturnType<Stack["gateway"]["metrics"]>;

    beforeAll(async () => {
      phase = stack.gateway.metrics();
      profile = await mkdtemp(join(tmpdir(), "cargo-h2-profile-"));
      const spki = createHash("sha256")
        .update(new X509Certificate(tls.cert).publicKey.export({ type: "spki", format: "der" }))
        .digest("base64");
      browser = await launchBrowser(profile, buildExtension(stack.apiUrl, join(state, `extension-chrome-${name}`)), [
        `--ignore-certificate-errors-spki-list=${spki}`,
        ...(http2 ? [] : ["--disable-http2"]),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      if (profile) await rm(profile, { recursive: true, force: true });
    });

    it(
      http2 ? "negotiates h2 and carries a 12-origin page's tunnels on one connection" : "opens a TLS connection per tunnel (the baseline)",
      async () => {
        expect(stack.proxy.scheme).toBe("https");
        await routeLoopbackThroughTunnel(browser);
        const popup = await browser.openPopup();
        await signUp(popup, { username: `chromium-${name}`, password: "correct horse battery staple" });
        await connect(popup);

        const page = await browser.context.newPage();
        let figures = { resources: 0, complete: false, loadMs: -1 };
        const seen = await throughGateway(async () => {
          const response = await page.goto(site.pageUrl);
          expect(response?.status()).toBe(200);
          await page.waitForFunction(
            `document.readyState === "complete" && performance.getEntriesByType("resource").length >= ${site.resources}`,
          );
          figures = await page.evaluate(`(() => { ${PAGE_FIGURES} })()`);
        });
        console.log(`chromium ${name}: ${JSON.stringify({ ...seen, ...figures })}`);
        // The page's images, plus the favicon the browser asks for.
        expect(figures.resources).toBeGreaterThanOrEqual(ORIGINS * PER_ORIGIN);
        expect(seen.requests).toBeGreaterThanOrEqual(ORIGINS * PER_ORIGIN + 1);
        // At least one tunnel (stream) per origin, all through the gateway (the origins speak HTTP/1.1, so
        // the browser opens up to 6 tunnels to each: about 60 streams)...
        expect(seen.flows).toBeGreaterThanOrEqual(ORIGINS);
        const all = stack.gateway.metrics();
        if (http2) {
          // ...on h2 connections only, and far fewer of them than origins (a spare one Chromium may race is allowed).
          expect(seen.http1).toBe(0);
          expect(seen.h2).toBeLessThanOrEqual(2);
          // Every connection this browser opened to the gateway, sign-in and connect included, negotiated h2.
          expect(all.tlsConnectionsH2 - phase.tlsConnectionsH2).toBeGreaterThanOrEqual(1);
          expect(all.tlsConnectionsHttp1 - phase.tlsConnectionsHttp1).toBe(0);
        } else {
          // HTTP/1.1 to the proxy: one tunnel per TLS connection, so at least one connection per origin.
          expect(seen.h2).toBe(0);
          expect(seen.http1).toBeGreaterThanOrEqual(ORIGINS);
        }
        await page.close();
        await popup.close();
      },
    );
  });
}

chromiumPhase("http1-only", false);
chromiumPhase("h2", true);

describe("Firefox ESR through the TLS gateway", () => {
  let firefox: Firefox;
  let phase: ReturnType<Stack["gateway"]["metrics"]>;

  beforeAll(async () => {
    phase = stack.gateway.metrics();
    firefox = await launchFirefox(buildFirefoxExtension(stack.apiUrl, join(state, "extension-firefox")), LOOPBACK_PREFS, {
      acceptInsecureCerts: true,
    });
  });
  afterAll(async () => {
    await firefox?.close();
  });

  it("negotiates h2 and carries a 12-origin page's tunnels on one connection", async () => {
    await routeFirefox(firefox);
    const popup = await signUpFirefox(firefox, { username: "h2-firefox", password: "correct horse battery staple" });
    await clickSwitch(firefox, popup);
    await waitForState(firefox, popup, "^Connected to Local gateway");

    const tab = await firefox.newTab();
    let figures = { resources: 0, complete: false, loadMs: -1 };
    const seen = await throughGateway(async () => {
      await firefox.navigate(tab, site.pageUrl);
      await firefox.waitFor(
        tab,
        `return document.readyState === "complete" && performance.getEntriesByType("resource").length >= ${site.resources};`,
      );
      figures = await firefox.run(tab, PAGE_FIGURES);
    });
    console.log(`firefox: ${JSON.stringify({ ...seen, ...figures })}`);
    // The page's images, plus the favicon the browser asks for.
    expect(figures.resources).toBeGreaterThanOrEqual(ORIGINS * PER_ORIGIN);
    expect(seen.requests).toBeGreaterThanOrEqual(ORIGINS * PER_ORIGIN + 1);
    expect(seen.flows).toBeGreaterThanOrEqual(ORIGINS);
    expect(seen.http1).toBe(0);
    expect(seen.h2).toBeLessThanOrEqual(2);
    const all = stack.gateway.metrics();
    expect(all.tlsConnectionsH2 - phase.tlsConnectionsH2).toBeGreaterThanOrEqual(1);
    expect(all.tlsConnectionsHttp1 - phase.tlsConnectionsHttp1).toBe(0);
  });
});
