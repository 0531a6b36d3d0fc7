/**
 * Chromium keeps the proxy credential it last answered a 407 with and sends
 * it unasked after the VPN is switched off and on again. Before the extension
 * told the gateway itself that a session was over (POST /session/end), the
 * new tunnel's first requests rode on the ended session until the gateway's
 * next heartbeat, which then cut them mid-page (connect-race round 37 of a
 * fresh-clone run). Here the heartbeat is 8 s apart, so only the extension's
 * word can reach the gateway in time: the second page must count to the new
 * session, and the heartbeat must cut nothing.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger } from "@cargo-vpn/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { storedUsage } from "@cargo-vpn/stack/intake-files";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { type Origin, startPageOrigin } from "@cargo-vpn/testkit/origin";
import { connect, routeLoopbackThroughTunnel, signUp } from "@cargo-vpn/testkit/popup-flows";

let state: string;
let profile: string;
let stack: Stack;
let site: Origin;
let browser: Browser;
const gatewayLog = memoryLogger();

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-reconnect-e2e-"));
  profile = await mkdtemp(join(tmpdir(), "cargo-reconnect-profile-"));
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 8000, gatewayLogger: gatewayLog.logger });
  site = await startPageOrigin();
  browser = await launchBrowser(profile, buildExtension(stack.apiUrl, join(state, "extension")));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stack?.stop();
  for (const dir of [state, profile]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("switching the VPN off and on again in Chromium", () => {
  it("the new session carries the traffic from its first request, and nothing is cut when the old one's end reaches the gateway", async () => {
    await routeLoopbackThroughTunnel(browser);
    const popup = await browser.openPopup();
    await signUp(popup, { username: `rc-${Date.now().toString(36)}`, password: "correct horse battery staple" });
    await connect(popup);
    let page = await browser.context.newPage();
    expect((await page.goto(`${site.url}/page/2000?first`))?.status()).toBe(200);
    await page.close();
    await site.idle();
    await new Promise((r) => setTimeout(r, 300));
    await stack.gateway.flush();
    const [first] = sessions();
    const firstUsage = storedUsage(state).get(first!.id)!;
    expect(firstUsage.down).toBeGreaterThan(2000);

    await popup.getByRole("switch", { name: "VPN" }).click();
    await popup.getByText(/^Not connected/).waitFor({ timeout: 15_000 });
    await connect(popup);
    const siteBefore = { up: site.received, down: site.sent };
    page = await browser.context.newPage();
    expect((await page.goto(`${site.url}/page/2000?second`))?.status()).toBe(200);
    await site.idle();
    await new Promise((r) => setTimeout(r, 300));
    await stack.gateway.flush();

    const [, second] = sessions();
    expect(second?.ended_at).toBeNull();
    const usage = storedUsage(state);
    // The old session carried nothing more; the new one carried the whole second page.
    expect(usage.get(first!.id)).toEqual(firstUsage);
    expect(usage.get(second!.id)!.down).toBeGreaterThanOrEqual(site.sent - siteBefore.down);
    // The gateway learned of the end from the extension, long before its heartbeat, and cut no flow of the new session.
    await stack.gateway.heartbeat();
    expect(gatewayLog.lines.filter((l) => l.includes('"session_ended_by_holder"'))).toHaveLength(1);
    expect(gatewayLog.lines.filter((l) => l.includes('"sessions_revoked"'))).toEqual([]);
    expect((await page.goto(`${site.url}/page/2000?third`))?.status()).toBe(200);
    await page.close();
    await popup.close();
  }, 120_000);
});

function sessions() {
  return executeSql<{ id: string; ended_at: number | null }>("SELECT id, ended_at FROM tunnel_sessions ORDER BY started_at", {
    persistTo: state,
  });
}
