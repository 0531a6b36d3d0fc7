/**
 * Per-site locations in Firefox ESR (issue 19, item 3), the MV2 build over
 * WebDriver BiDi, against the real local stack with two gateways (the second
 * its own process). With the VPN on one location and the rule "site B → the
 * other location", `proxy.onRequest` sends site A to the main gateway and
 * site B to the other with that session's own Proxy-Authorization. Proven by
 * socket owner and by each gateway's byte counters reported to the API;
 * Firefox resolves both names to loopback itself (network.dns.localDomains),
 * so a load that went direct would reach the site from Firefox and be seen.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { DOM_HELPERS, FIREFOX, type Firefox, launchFirefox } from "@cargo-vpn/testkit/firefox";
import { buildFirefoxExtension, clickSwitch, signUp, waitForState } from "@cargo-vpn/testkit/firefox-flows";
import { onlyThroughGateway } from "./harness/reported-bytes.ts";
import { measure, startTwoSites, type TwoSites } from "./harness/two-sites.ts";

let state: string;
let stack: Stack;
let sites: TwoSites;
let firefox: Firefox;

beforeAll(async () => {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox ESR not found at ${FIREFOX} (apt-get install firefox-esr)`);
  state = await mkdtemp(join(tmpdir(), "cargo-ff-persite-e2e-"));
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500, secondGateway: true, resolveTestNames: true });
  sites = await startTwoSites(() => [process.pid, stack.secondGateway!.pid]);
  const extension = buildFirefoxExtension(stack.apiUrl, join(state, "extension"));
  firefox = await launchFirefox(extension, {
    "network.dns.localDomains": "site-a.test,site-b.test",
    "network.proxy.allow_hijacking_localhost": true,
  });
});

afterAll(async () => {
  await firefox?.close();
  await sites?.close();
  await stack?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

const openSessions = () =>
  executeSql<{ gateway: string }>("SELECT gateway_id AS gateway FROM tunnel_sessions WHERE ended_at IS NULL", { persistTo: state });

describe("per-site locations in Firefox ESR", () => {
  it("site A leaves through the main location's gateway, site B through its rule's, by socket owner and byte counters", async () => {
    const popup = await signUp(firefox, { username: `ff-persite-${Date.now().toString(36)}`, password: "correct horse battery staple" });
    await clickSwitch(firefox, popup);
    await waitForState(firefox, popup, "^Connected to Local gateway");
    const mainId = await firefox.run<string>(popup, `return document.getElementById("location").dataset.locationId;`);
    const second = stack.secondGateway!;
    const ruleId = mainId === stack.gatewayId ? second.gatewayId : stack.gatewayId;
    const ownerOf = (id: string) => (id === stack.gatewayId ? process.pid : second.pid);

    await firefox.run(
      popup,
      `${DOM_HELPERS}
       [...document.querySelectorAll("nav button")].find((b) => b.textContent === "Sites").click();
       fill("Site", "site-b.test");
       const location = byLabel("Location for this site"); location.value = args[0]; location.dispatchEvent(new Event("change", { bubbles: true }));
       button("Add rule").click(); return true;`,
      ruleId,
    );
    await firefox.waitFor(
      popup,
      `const row = document.querySelector('li[data-site="site-b.test"]'); return !!row && row.textContent.includes("In use.");`,
      30_000,
    );
    expect(
      openSessions()
        .map((s) => s.gateway)
        .sort(),
    ).toEqual([mainId, ruleId].sort());

    const tab = await firefox.newTab();
    const result = await measure(
      state,
      sites,
      { first: mainId, second: ruleId },
      () => stack.gateway.flush(),
      async () => {
        await firefox.navigate(tab, `${sites.a.url}/page/30000?a`);
        expect(await firefox.run(tab, `return document.querySelector("h1")?.textContent;`)).toBe("hello from the origin");
        await firefox.navigate(tab, `${sites.b.url}/page/50000?b`);
        expect(await firefox.run(tab, `return document.querySelector("h1")?.textContent;`)).toBe("hello from the origin");
      },
    );
    expect(sites.a.owners.length).toBeGreaterThan(0);
    expect(sites.b.owners.length).toBeGreaterThan(0);
    expect(new Set(sites.a.owners)).toEqual(new Set([ownerOf(mainId)]));
    expect(new Set(sites.b.owners)).toEqual(new Set([ownerOf(ruleId)]));
    expect(result.seen.a.down).toBeGreaterThan(30_000);
    expect(result.seen.b.down).toBeGreaterThan(50_000);
    expect(onlyThroughGateway(result.seen.a, result.reported.first), JSON.stringify(result)).toBe(true);
    expect(onlyThroughGateway(result.seen.b, result.reported.second), JSON.stringify(result)).toBe(true);

    await firefox.run(popup, `[...document.querySelectorAll("nav button")].find((b) => b.textContent === "Status").click(); return true;`);
    await clickSwitch(firefox, popup);
    await waitForState(firefox, popup, "^Not connected", 20_000);
    const deadline = Date.now() + 15_000;
    while (openSessions().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(openSessions()).toEqual([]);
  });
});
