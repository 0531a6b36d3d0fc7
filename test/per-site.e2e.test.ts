/**
 * Per-site locations in real Chromium (issue 19, item 3), against the real
 * local stack with two gateways: the first in this process, the second its
 * own process (the gateway CLI). With the VPN on one location and the rule
 * "site B → the other location", Chrome's PAC script sends site A through the
 * main gateway and site B through the other, each answered with its own
 * session's credential. Proven twice: by socket owner (the process that
 * opened each connection the sites accepted) and by each gateway's byte
 * counters as reported to the API. Nothing went direct: Chromium resolves the
 * two names to loopback itself, so a leaked load would reach the site from
 * the browser's own process and be seen. Disconnecting ends every session.
 *
 * With CARGO_POPUP_SHOTS=<folder> it saves the Sites view at 380×600.
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { axeViolations } from "@cargo-vpn/testkit/axe";
import { connect, openView, signUp } from "@cargo-vpn/testkit/popup-flows";
import { onlyThroughGateway } from "./harness/reported-bytes.ts";
import { measure, startTwoSites, type TwoSites } from "./harness/two-sites.ts";

const SHOTS = process.env.CARGO_POPUP_SHOTS;
let state: string;
let profile: string;
let stack: Stack;
let sites: TwoSites;
let browser: Browser;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-persite-e2e-"));
  profile = await mkdtemp(join(tmpdir(), "cargo-persite-profile-"));
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500, secondGateway: true, resolveTestNames: true });
  sites = await startTwoSites(() => [process.pid, stack.secondGateway!.pid]);
  const extension = buildExtension(stack.apiUrl, join(state, "extension"));
  // Chromium resolves the two names too: a load that went around the tunnel would reach the site, and be seen.
  browser = await launchBrowser(profile, extension, ["--host-resolver-rules=MAP site-a.test 127.0.0.1, MAP site-b.test 127.0.0.1"]);
});

afterAll(async () => {
  await browser?.close();
  await sites?.close();
  await stack?.stop();
  for (const dir of [state, profile]) if (dir) await rm(dir, { recursive: true, force: true });
});

const openSessions = () =>
  executeSql<{ gateway: string }>("SELECT gateway_id AS gateway FROM tunnel_sessions WHERE ended_at IS NULL", { persistTo: state });

describe("per-site locations in Chromium", () => {
  it("site A leaves through the main location's gateway, site B through its rule's, by socket owner and byte counters", async () => {
    const popup = await browser.openPopup();
    await popup.setViewportSize({ width: 380, height: 600 });
    await signUp(popup, { username: `persite-${Date.now().toString(36)}`, password: "correct horse battery staple" });
    await connect(popup);
    const mainId = await popup.locator("#location").getAttribute("data-location-id");
    const second = stack.secondGateway!;
    // The rule names the location the VPN is not on; whichever the picker chose, one gateway is each.
    const ruleId = mainId === stack.gatewayId ? second.gatewayId : stack.gatewayId;
    const ownerOf = (id: string) => (id === stack.gatewayId ? process.pid : second.pid);

    await openView(popup, "Sites");
    expect(await popup.evaluate("document.activeElement?.id")).toBe("sites-heading");
    await popup.getByLabel("Site", { exact: true }).fill("https://www.site-b.test/any");
    await popup.getByLabel("Location for this site").selectOption(ruleId);
    await popup.getByRole("button", { name: "Add rule" }).click();
    const rule = popup.getByRole("listitem").filter({ hasText: "site-b.test always uses" });
    await rule.getByText("In use.").waitFor({ timeout: 30_000 });
    // The focus is on the new rule; its Remove button is named after its site.
    expect(await popup.evaluate("document.activeElement?.dataset.site")).toBe("site-b.test");
    await expect(popup.getByRole("button", { name: "Remove the rule for site-b.test" }).count()).resolves.toBe(1);
    expect(await axeViolations(popup)).toEqual([]);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await popup.screenshot({ path: join(SHOTS, "per-site-rules.png") });
    }
    // Two open sessions for the device: one per gateway.
    expect(
      openSessions()
        .map((s) => s.gateway)
        .sort(),
    ).toEqual([mainId, ruleId].sort());

    const tab = await browser.context.newPage();
    const result = await measure(
      state,
      sites,
      { first: mainId!, second: ruleId },
      () => stack.gateway.flush(),
      async () => {
        await tab.goto(`${sites.a.url}/page/30000?a`);
        expect(await tab.locator("h1").textContent()).toBe("hello from the origin");
        await tab.goto(`${sites.b.url}/page/50000?b`);
        expect(await tab.locator("h1").textContent()).toBe("hello from the origin");
      },
    );
    // Socket owner: every connection site A accepted came from the main gateway's process, B's from the other's.
    expect(sites.a.owners.length).toBeGreaterThan(0);
    expect(sites.b.owners.length).toBeGreaterThan(0);
    expect(new Set(sites.a.owners)).toEqual(new Set([ownerOf(mainId!)]));
    expect(new Set(sites.b.owners)).toEqual(new Set([ownerOf(ruleId)]));
    // Byte counters: each gateway reported what its site saw, and nothing of the other's.
    expect(result.seen.a.down).toBeGreaterThan(30_000);
    expect(result.seen.b.down).toBeGreaterThan(50_000);
    expect(onlyThroughGateway(result.seen.a, result.reported.first), JSON.stringify(result)).toBe(true);
    expect(onlyThroughGateway(result.seen.b, result.reported.second), JSON.stringify(result)).toBe(true);
    await tab.close();

    // Switching off ends every session of the device, the site's too.
    await openView(popup, "Status");
    await popup.getByRole("switch", { name: "VPN" }).click();
    await popup.getByText(/^Not connected/).waitFor({ timeout: 20_000 });
    const deadline = Date.now() + 15_000;
    while (openSessions().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(openSessions()).toEqual([]);
  });
});
