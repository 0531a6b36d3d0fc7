/**
 * One large download in a real browser through the gateway's TLS listener
 * with h2 offered (GATEWAY_TLS_H2=true; it is off by default), over h2 and
 * over HTTP/1.1 (issue 22, item 2, seen from the browser): Debian's
 * Chromium with and without --disable-http2, and Firefox ESR with and without
 * network.http.http2.enabled, each fetching CARGO_BENCH_BROWSER_MIB from an
 * HTTPS origin on loopback inside one CONNECT tunnel and reading the body to
 * its end in the page. Which protocol each browser spoke is read from the
 * gateway's ALPN counters, not assumed.
 *
 * A round that receives nothing for STALL_MS is reported as stalled, with the
 * bytes it got: Firefox ESR's h2 tunnels stop crediting their stream's flow
 * control window after some MiB and never resume. That happens through any
 * h2 proxy (nghttpx behaves alike; the last row is a bare node:http2 CONNECT
 * proxy with no gateway code), and the point it stops at moves with Firefox's
 * network.http.http2.pull-allowance; over HTTP/1.1 the same download runs to
 * its end (gateway/README.md, "Firefox and HTTP/2").
 *
 *   npm run bench -- gateway-h2-browsers
 *   CARGO_BENCH_BROWSER_MIB=512 CARGO_BENCH_BROWSER_ROUNDS=5 npm run bench -- gateway-h2-browsers
 *
 * CPU is the gateway process's and the browser's (every process of it), per
 * GiB received; on a small machine the browser, not the gateway, sets the speed.
 */
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startBulkOrigin } from "@cargo-vpn/testkit/bulk-origin";
import { CHROMIUM, launchThroughProxy } from "@cargo-vpn/testkit/chromium";
import { startFakeApi } from "@cargo-vpn/testkit/fake-api";
import { FIREFOX, launchFirefox } from "@cargo-vpn/testkit/firefox";
import { processTreeCpuSeconds } from "./anchors";
import { startTlsGatewayChild } from "./throughput";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BYTES = Number(process.env.CARGO_BENCH_BROWSER_MIB ?? 256) * MiB;
const ROUNDS = Number(process.env.CARGO_BENCH_BROWSER_ROUNDS ?? 3);
/** A download that receives nothing this long is stalled, not slow. */
const STALL_MS = 5000;

/**
 * A bare node:http2 CONNECT proxy that answers h2 to everyone (Firefox too), with no gateway code
 * in the path: the control that shows Firefox's h2 tunnel stall is Firefox's, not the gateway's.
 */
async function startBareH2Proxy(tls: { cert: string; key: string }): Promise<{ port: number; sessions: () => number; close(): void }> {
  let sessions = 0;
  const server = http2.createSecureServer(tls);
  server.on("session", () => sessions++);
  server.on("stream", (stream, headers) => {
    const [host, port] = String(headers[":authority"]).split(":");
    const upstream = net.connect({ host, port: Number(port) }, () => {
      stream.respond({ ":status": 200 });
      upstream.pipe(stream).on("error", () => {});
      stream.pipe(upstream);
    });
    upstream.on("error", () => stream.destroy());
    stream.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, sessions: () => sessions, close: () => server.close() };
}

interface Round {
  ms: number;
  bytes: number;
  stalled: boolean;
}

interface Measured extends Round {
  gatewayCpu: number;
  browserCpu: number;
}

/** The page's side: fetch `bytes` and read the body to its end, or until nothing came for STALL_MS. */
const downloadScript = (bytes: number) => `
  const started = performance.now();
  const reader = (await fetch("/bytes/${bytes}")).body.getReader();
  let got = 0;
  for (;;) {
    const next = await Promise.race([reader.read(), new Promise((resolve) => setTimeout(() => resolve(null), ${STALL_MS}))]);
    if (next === null) { reader.cancel().catch(() => {}); return { ms: performance.now() - started - ${STALL_MS}, bytes: got, stalled: true }; }
    if (next.done) break;
    got += next.value.length;
  }
  return { ms: performance.now() - started, bytes: got, stalled: false };
`;

/** A browser with one tab on the origin, for as long as its rounds take. */
interface BrowserUnderTest {
  pid: number;
  download(bytes: number): Promise<Round>;
  close(): Promise<void>;
}

type Launch = (origin: string) => Promise<BrowserUnderTest>;

function chromiumLauncher(dir: string, proxy: { server: string; username: string; password: string }, spki: string, http2: boolean) {
  return async (origin: string): Promise<BrowserUnderTest> => {
    const profile = mkdtempSync(join(dir, "chromium-"));
    const browser = await launchThroughProxy(profile, proxy, [
      `--ignore-certificate-errors-spki-list=${spki}`,
      ...(http2 ? [] : ["--disable-http2"]),
    ]);
    const page = await browser.context.newPage();
    await page.goto(origin);
    return {
      pid: browser.pid,
      download: (bytes) => page.evaluate(`(async () => { ${downloadScript(bytes)} })()`) as Promise<Round>,
      close: () => browser.close(),
    };
  };
}

/** Firefox ESR routed through the gateway by a two-line add-on (proxy.onRequest, as the real extension does). */
function firefoxLauncher(dir: string, proxy: { port: number; authorization: string }, http2: boolean): Launch {
  const addon = join(dir, `firefox-proxy-${proxy.port}-${http2 ? "h2" : "http1"}`);
  mkdirSync(addon, { recursive: true });
  writeFileSync(
    join(addon, "manifest.json"),
    JSON.stringify({
      manifest_version: 2,
      name: "bench proxy",
      version: "1",
      browser_specific_settings: { gecko: { id: "extension@cargovpn.dev" } },
      permissions: ["proxy", "<all_urls>"],
      background: { scripts: ["background.js"] },
    }),
  );
  const route = { type: "https", host: "127.0.0.1", port: proxy.port, proxyAuthorizationHeader: proxy.authorization };
  writeFileSync(
    join(addon, "background.js"),
    `browser.proxy.onRequest.addListener(() => (${JSON.stringify(route)}), { urls: ["<all_urls>"] });`,
  );
  return async (origin: string): Promise<BrowserUnderTest> => {
    const prefs = { "network.proxy.allow_hijacking_localhost": true, ...(http2 ? {} : { "network.http.http2.enabled": false }) };
    const firefox = await launchFirefox(addon, prefs, { acceptInsecureCerts: true });
    const tab = await firefox.newTab();
    await firefox.navigate(tab, origin);
    return {
      pid: firefox.pid,
      download: (bytes) => firefox.run<Round>(tab, downloadScript(bytes)),
      close: () => firefox.close(),
    };
  };
}

interface Figures {
  path: string;
  browser: string;
  /** The browser was told to speak HTTP/1.1 only: the baseline of its h2 row. */
  http1Only: boolean;
  /** Through the bare h2 proxy, not the gateway. */
  bare: boolean;
  rounds: Measured[];
  h2: number;
  http1: number;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const speed = (r: Round) => r.bytes / (r.ms / 1000);

export async function runH2BrowsersBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cargo-gw-h2-browsers-"));
  const api = await startFakeApi("gw-h2-browsers-bench");
  const gateway = await startTlsGatewayChild(api, dir, 400);
  const tls = { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
  const origin = await startBulkOrigin({ tls });
  const bare = await startBareH2Proxy(tls);
  try {
    const session = "h2-browsers-bench-session";
    const password = await api.credential(session);
    const spki = createHash("sha256")
      .update(new X509Certificate(tls.cert).publicKey.export({ type: "spki", format: "der" }))
      .digest("base64");
    const chromium = { server: `https://127.0.0.1:${gateway.tlsPort}`, username: session, password };
    const firefox = { port: gateway.tlsPort, authorization: `Basic ${Buffer.from(`${session}:${password}`).toString("base64")}` };
    const paths: Array<{ path: string; browser: string; http1Only: boolean; bare?: boolean; launch: Launch }> = [];
    if (existsSync(CHROMIUM)) {
      paths.push({
        path: "Chromium, HTTP/1.1 only",
        browser: "Chromium",
        http1Only: true,
        launch: chromiumLauncher(dir, chromium, spki, false),
      });
      paths.push({
        path: "Chromium, h2",
        browser: "Chromium",
        http1Only: false,
        launch: chromiumLauncher(dir, chromium, spki, true),
      });
    } else console.log(`Chromium: skipped (${CHROMIUM} not found)`);
    if (existsSync(FIREFOX)) {
      paths.push({ path: "Firefox ESR, HTTP/1.1 only", browser: "Firefox", http1Only: true, launch: firefoxLauncher(dir, firefox, false) });
      paths.push({ path: "Firefox ESR, h2", browser: "Firefox", http1Only: false, launch: firefoxLauncher(dir, firefox, true) });
      paths.push({
        path: "Firefox ESR, bare node:http2 proxy",
        browser: "Firefox",
        http1Only: false,
        bare: true,
        launch: firefoxLauncher(dir, { ...firefox, port: bare.port }, true),
      });
    } else console.log(`Firefox ESR: skipped (${FIREFOX} not found)`);

    const loadBefore = loadavg();
    const results: Figures[] = [];
    for (const { path, browser, http1Only, bare: throughBare = false, launch } of paths) {
      const before = await gateway.counters();
      const bareBefore = bare.sessions();
      const running = await launch(origin.url);
      const figures: Figures = { path, browser, http1Only, bare: throughBare, rounds: [], h2: 0, http1: 0 };
      try {
        for (let i = 0; i < ROUNDS; i++) {
          const gatewayBefore = (await gateway.counters()).cpu;
          const browserBefore = processTreeCpuSeconds(running.pid);
          const result = await running.download(BYTES);
          const gatewayAfter = (await gateway.counters()).cpu;
          figures.rounds.push({
            ...result,
            gatewayCpu: (gatewayAfter.user + gatewayAfter.system - gatewayBefore.user - gatewayBefore.system) / 1e6,
            browserCpu: processTreeCpuSeconds(running.pid) - browserBefore,
          });
        }
      } finally {
        await running.close();
      }
      const after = await gateway.counters();
      figures.h2 = throughBare ? bare.sessions() - bareBefore : after.tlsConnectionsH2 - before.tlsConnectionsH2;
      figures.http1 = throughBare ? 0 : after.tlsConnectionsHttp1 - before.tlsConnectionsHttp1;
      results.push(figures);
    }

    const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(" / ");
    console.log(
      `\nA browser downloads ${BYTES / MiB} MiB through one tunnel of the TLS gateway (${ROUNDS} rounds each; a round with nothing for ` +
        `${STALL_MS / 1000} s is stalled; load average ${load(loadBefore)} before, ${load(loadavg())} after)`,
    );
    console.table(
      results.map((figures) => {
        const done = figures.rounds.filter((r) => !r.stalled);
        const stalled = figures.rounds.filter((r) => r.stalled);
        const baseline = results.find((other) => other.browser === figures.browser && other.http1Only);
        const baselineDone = baseline?.rounds.filter((r) => !r.stalled) ?? [];
        // CPU per GiB of the rounds that finished: a stalled one only idles.
        const received = done.reduce((sum, r) => sum + r.bytes, 0) / GiB;
        const perGiB = (cpu: (r: Measured) => number) => (received ? round(done.reduce((sum, r) => sum + cpu(r), 0) / received, 2) : "-");
        return {
          path: figures.path,
          "TLS connections h2 / http1": `${figures.h2} / ${figures.http1}`,
          "median MB/s": done.length ? round(median(done.map(speed)) / 1e6) : "-",
          "median / same browser, HTTP/1.1 only":
            baseline && done.length && baselineDone.length ? round(median(done.map(speed)) / median(baselineDone.map(speed)), 3) : "-",
          "gateway CPU s per GiB": figures.bare ? "-" : perGiB((r) => r.gatewayCpu),
          "browser CPU s per GiB": perGiB((r) => r.browserCpu),
          stalled: stalled.length
            ? `${stalled.length} of ${figures.rounds.length}, at ${stalled.map((r) => round(r.bytes / MiB, 1)).join(", ")} MiB`
            : "none",
        };
      }),
    );
  } finally {
    bare.close();
    await gateway.close();
    await origin.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runH2BrowsersBench();
}
