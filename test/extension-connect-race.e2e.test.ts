/**
 * Issues 11 (point 1) and 19 (item 7), in real Chromium against the real
 * stack: from the moment the VPN switch reads "on", nothing leaves the browser
 * directly. Fifty times in a row the switch is turned on and a page is loaded
 * at the very instant `aria-checked` flips (a MutationObserver in the popup
 * issues the load in the flip's own task: testkit/src/load-at-flip.ts); each
 * load is either held (it fails on the hold address) or carried by the
 * gateway, never direct. Told apart by accounting: every byte the site saw
 * over the rounds must be a byte the gateway reported (the gateway reports
 * exactly what it carried, see extension.e2e.test.ts), so a single direct
 * load would show as site bytes the gateway never reported. Once connected a
 * second page loads through the gateway, so the accounting has bytes to
 * compare. Reports click → hold (Chrome's proxy.settings.onChange) and
 * click → switch on, in ms.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, buildExtension, launchBrowser } from "@cargo-vpn/testkit/chromium";
import { startStack, type Stack } from "@cargo-vpn/stack";
import { MAX_SESSION_STARTS_PER_MINUTE } from "@cargo-vpn/worker/constants";
import { type Origin, startPageOrigin } from "@cargo-vpn/testkit/origin";
import { ARM_LOAD_AT_FLIP, inPage, ORIGIN_TITLE, RACE_RESULT, type RaceRecord, spread } from "@cargo-vpn/testkit/load-at-flip";
import { routeLoopbackThroughTunnel, signOut, signUp } from "@cargo-vpn/testkit/popup-flows";
import { onlyThroughGateway, reportedBytes, settledAccounting } from "./harness/reported-bytes.ts";

const ROUNDS = 50;
let state: string;
let profile: string;
let stack: Stack;
let site: Origin;
let browser: Browser;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-race-e2e-"));
  profile = await mkdtemp(join(tmpdir(), "cargo-race-profile-"));
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500 });
  site = await startPageOrigin();
  browser = await launchBrowser(profile, buildExtension(stack.apiUrl, join(state, "extension")));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stack?.stop();
  for (const dir of [state, profile]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("turning the VPN on in Chromium", () => {
  it(`${ROUNDS}× on and a page at once: every load is held or goes through the gateway, never direct`, async () => {
    await routeLoopbackThroughTunnel(browser);
    const popup = await browser.openPopup();
    await signUp(popup, { username: `race-${Date.now().toString(36)}`, password: "correct horse battery staple" });
    await expect.poll(() => popup.locator("#location").getAttribute("data-location-id"), { timeout: 15_000 }).toBe(stack.gatewayId);
    const vpn = popup.getByRole("switch", { name: "VPN" });
    let page = await browser.context.newPage();

    // Signed in, the popup is interactive once the switch has its location (one API round trip): median of five.
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const again = await browser.openPopup();
      samples.push(await again.evaluate(() => performance.getEntriesByName("cargo-popup-interactive")[0]?.startTime ?? Number.NaN));
      await again.close();
    }
    const median = [...samples].sort((a, b) => a - b)[2]!;
    console.log(`[popup signed in] open to interactive, ms: ${samples.map((s) => s.toFixed(0)).join(", ")}; median ${median.toFixed(0)}`);
    // A figure for the note, not a gate: speed is the benchmarks' job, and a busy CI core
    // can stretch any single render. The mark itself must exist (the popup reached interactive).
    expect(Number.isFinite(median)).toBe(true);

    await site.idle();
    await stack.gateway.flush();
    const siteBefore = { up: site.received, down: site.sent };
    const reportedBefore = reportedBytes(state);
    const outcomes: Array<"held" | "loaded"> = [];
    const records: RaceRecord[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0 && round % MAX_SESSION_STARTS_PER_MINUTE === 0) {
        // The API allows an account this many session starts a minute: go on as another person.
        await signOut(popup);
        await popup.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 15_000 });
        await signUp(popup, { username: `race-${round}-${Date.now().toString(36)}`, password: "correct horse battery staple" });
        await expect.poll(() => popup.locator("#location").getAttribute("data-location-id"), { timeout: 15_000 }).toBe(stack.gatewayId);
      }
      await popup.evaluate(inPage(ARM_LOAD_AT_FLIP, [`${site.url}/page/4000?round-${round}`]));
      await vpn.click();
      const record = (await popup.evaluate(inPage(RACE_RESULT))) as RaceRecord;
      records.push(record);
      outcomes.push(record.title === ORIGIN_TITLE ? "loaded" : "held");
      await popup.getByText(/^Connected to Local gateway/).waitFor({ timeout: 30_000 });
      // Connected: now a page loads, through the gateway.
      const connected = await page.goto(`${site.url}/page/2000?round-${round}-connected`, { timeout: 20_000 });
      expect(connected?.status()).toBe(200);
      // Leave the site before switching off, so nothing of this round can load after it: a fresh tab, since a
      // held load that gave up can still land its error page in this one and interrupt any navigation.
      await page.close();
      page = await browser.context.newPage();
      await site.idle();
      // The gateway charges a flow's last bytes when it sees the close, a moment after the site does:
      // let it, so they are flushed while this round's session is still open.
      await new Promise((r) => setTimeout(r, 300));
      await stack.gateway.flush();
      await vpn.click();
      await popup.getByText(/^Not connected/).waitFor({ timeout: 15_000 });
    }

    const { seen, reported } = await settledAccounting(state, site, () => stack.gateway.flush(), {
      site: siteBefore,
      reported: reportedBefore,
    });
    const held = outcomes.filter((o) => o === "held").length;
    const toHold = spread(records.map((r) => r.holdAt! - r.clickAt!));
    const toOn = spread(records.map((r) => r.flipAt! - r.clickAt!));
    const holdToOn = spread(records.map((r) => r.flipAt! - r.holdAt!));
    console.log(
      `[connect race, chromium] ${ROUNDS} rounds, the load at the flip: ${held} held, ${ROUNDS - held} loaded through the gateway; ` +
        `click → hold median ${toHold.median.toFixed(1)} ms (max ${toHold.max.toFixed(1)}), click → switch on median ${toOn.median.toFixed(1)} ms ` +
        `(max ${toOn.max.toFixed(1)}), hold → switch on min ${Math.min(...records.map((r) => r.flipAt! - r.holdAt!)).toFixed(1)} ms`,
    );
    // The browser had taken the hold before the switch read on, every round.
    for (const record of records) expect(record.holdAt, JSON.stringify(record)).not.toBeNull();
    for (const record of records) expect(record.flipAt! - record.holdAt!, JSON.stringify(record)).toBeGreaterThanOrEqual(0);
    expect(holdToOn.median).toBeGreaterThanOrEqual(0);
    // Every byte the site received, the gateway wrote: no load of any round went direct.
    expect(onlyThroughGateway(seen, reported), JSON.stringify({ seen, reported })).toBe(true);
    expect(seen.down).toBeGreaterThan(ROUNDS * 2000);
    await page.close();
    await popup.close();
  }, 600_000);
});
