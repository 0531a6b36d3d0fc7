/**
 * A large download in Firefox ESR through the `https` location, with the
 * extension connected as a user has it: it runs to its last byte. Over an
 * HTTP/2 proxy Firefox's tunnels stop crediting their flow-control window
 * after some MiB and the download stalls for good (gateway README, "Firefox
 * and HTTP/2"), so the gateway offers h2 only when asked (`tls.h2`): this
 * fails on a gateway that offers it to Firefox, at about 13–18 MiB.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BulkOrigin, startBulkOrigin } from "@cargo-vpn/testkit/bulk-origin";
import { type Firefox, launchFirefox } from "@cargo-vpn/testkit/firefox";
import {
  buildFirefoxExtension,
  clickSwitch,
  LOOPBACK_PREFS,
  routeLoopbackThroughTunnel,
  signUp,
  waitForState,
} from "@cargo-vpn/testkit/firefox-flows";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { startStack, type Stack } from "@cargo-vpn/stack";

const MiB = 1024 * 1024;
/** Well past where Firefox's h2 tunnels stall (13–18 MiB at its default pull allowance of 12 MiB). */
const DOWNLOAD_BYTES = 64 * MiB;
/** A download that gets nothing this long has stalled: at loopback speed 64 MiB takes well under a second. */
const STALL_MS = 10_000;

let state: string;
let stack: Stack;
let origin: BulkOrigin;
let firefox: Firefox;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-ff-tls-download-"));
  const tls = selfSignedCert();
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500, tls });
  origin = await startBulkOrigin({ tls });
  firefox = await launchFirefox(buildFirefoxExtension(stack.apiUrl, join(state, "extension-firefox")), LOOPBACK_PREFS, {
    acceptInsecureCerts: true,
  });
});

afterAll(async () => {
  await firefox?.close();
  await origin?.close();
  await stack?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

it("downloads 64 MiB through the https location to the last byte, over HTTP/1.1 to the gateway", async () => {
  expect(stack.proxy.scheme).toBe("https");
  await routeLoopbackThroughTunnel(firefox);
  const popup = await signUp(firefox, { username: "ff-tls-download", password: "correct horse battery staple" });
  await clickSwitch(firefox, popup);
  await waitForState(firefox, popup, "^Connected to Local gateway");

  const before = stack.gateway.metrics();
  const tab = await firefox.newTab();
  await firefox.navigate(tab, origin.url);
  const result = await firefox.run<{ bytes: number; stalled: boolean }>(
    tab,
    `const reader = (await fetch("/bytes/${DOWNLOAD_BYTES}")).body.getReader();
     let bytes = 0;
     for (;;) {
       const next = await Promise.race([reader.read(), new Promise((resolve) => setTimeout(() => resolve(null), ${STALL_MS}))]);
       if (next === null) { reader.cancel().catch(() => {}); return { bytes, stalled: true }; }
       if (next.done) return { bytes, stalled: false };
       bytes += next.value.length;
     }`,
  );
  expect(result).toEqual({ bytes: DOWNLOAD_BYTES, stalled: false });
  const after = stack.gateway.metrics();
  // Through the gateway's TLS listener, on HTTP/1.1 (the browser offered h2 too; the gateway did not take it).
  expect(after.tlsConnectionsHttp1).toBeGreaterThan(before.tlsConnectionsHttp1);
  expect(after.tlsConnectionsH2).toBe(0);
  expect(after.bytesDown - before.bytesDown).toBeGreaterThanOrEqual(DOWNLOAD_BYTES);
});
