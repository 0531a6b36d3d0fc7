/**
 * The encrypted browser→gateway hop, as in production: the gateway's location
 * is `https`, the extension points Chromium at the gateway's main TLS port
 * (HTTP/2; the location's HTTP/1.1-only port is for Firefox), and pages still
 * flow through it with the 407 answered by the extension. The
 * gateway's self-signed certificate is trusted by its public-key hash, the way
 * a test can pin one certificate without trusting everything.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { type Origin, startPageOrigin } from "@cargo-vpn/testkit/origin";
import { connect, routeLoopbackThroughTunnel, signUp } from "@cargo-vpn/testkit/popup-flows";
import { reportedBytes } from "./harness/reported-bytes.ts";

let state: string;
let profile: string;
let stack: Stack;
let site: Origin;
let browser: Browser;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-tls-e2e-"));
  profile = await mkdtemp(join(tmpdir(), "cargo-tls-profile-"));
  const tls = selfSignedCert();
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500, tls });
  site = await startPageOrigin();
  const spki = createHash("sha256")
    .update(new X509Certificate(tls.cert).publicKey.export({ type: "spki", format: "der" }))
    .digest("base64");
  browser = await launchBrowser(profile, buildExtension(stack.apiUrl, join(state, "extension")), [
    `--ignore-certificate-errors-spki-list=${spki}`,
  ]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stack?.stop();
  for (const dir of [state, profile]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the extension through a TLS gateway", () => {
  it("connects to the https location and carries pages over the encrypted hop", async () => {
    expect(stack.proxy.scheme).toBe("https");
    await routeLoopbackThroughTunnel(browser);
    const popup = await browser.openPopup();
    await signUp(popup, { username: "tls-user", password: "correct horse battery staple" });
    await connect(popup);

    const proxy = await browser.context.serviceWorkers()[0]!.evaluate(async () => {
      const chrome = (globalThis as unknown as { chrome: any }).chrome;
      return (await chrome.proxy.settings.get({})).value.rules.singleProxy;
    });
    expect(proxy).toEqual({ scheme: "https", host: "127.0.0.1", port: stack.proxy.port });

    await site.idle();
    await stack.gateway.flush();
    const before = { site: site.sent, gateway: reportedBytes(state).down };
    const page = await browser.context.newPage();
    const response = await page.goto(`${site.url}/page/50000?over-tls`);
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { name: "hello from the origin" }).waitFor();
    await site.idle();
    await stack.gateway.flush();
    const sent = site.sent - before.site;
    expect(sent).toBeGreaterThan(50_000);
    expect(reportedBytes(state).down - before.gateway).toBe(sent);
    // Chromium on the location's main TLS port, which offers h2 (the HTTP/1.1-only port is Firefox's): one connection for every tunnel.
    expect(stack.gateway.metrics().tlsConnectionsH2).toBeGreaterThan(0);
    await page.close();
    await popup.close();
  });
});
