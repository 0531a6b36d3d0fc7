/**
 * A large download in Firefox ESR through the `https` location, with the
 * extension connected as a user has it: it runs to its last byte. Over an
 * HTTP/2 proxy Firefox's tunnels stop crediting their flow-control window
 * after some MiB and the download stalls for good (gateway README, "Firefox
 * and HTTP/2"). The location's main TLS port offers h2, as production's
 * does, for Chromium; the extension sends Firefox to its HTTP/1.1-only port
 * (`proxy.http1Port`). This fails, at about 13–18 MiB, if Firefox is sent to
 * the main port.
 */
import tls from "node:tls";
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
  const cert = selfSignedCert();
  stack = await startStack({ persistTo: state, allowLoopback: true, gatewayIntervalMs: 500, tls: cert });
  origin = await startBulkOrigin({ tls: cert });
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

/** What the gateway's TLS port answers a client that offers h2 and HTTP/1.1, as both browsers do. */
function negotiated(port: number): Promise<string | false | null> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ALPNProtocols: ["h2", "http/1.1"] }, () => {
      resolve(socket.alpnProtocol);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

it("downloads 64 MiB through the https location to the last byte, over HTTP/1.1 to the gateway", async () => {
  expect(stack.proxy.scheme).toBe("https");
  // The main port offers h2: were Firefox sent there, it would take it.
  expect(await negotiated(stack.proxy.port)).toBe("h2");
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
  // Through the gateway's TLS listener, on HTTP/1.1 only: Firefox never reached the port that offers h2.
  expect(after.tlsConnectionsHttp1).toBeGreaterThan(before.tlsConnectionsHttp1);
  expect(after.tlsConnectionsH2).toBe(before.tlsConnectionsH2);
  expect(after.bytesDown - before.bytesDown).toBeGreaterThanOrEqual(DOWNLOAD_BYTES);
});
