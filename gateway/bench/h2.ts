/**
 * HTTP/2 against HTTP/1.1 on the gateway's TLS listener (issue 22, "Must
 * show"), side by side in one run, squid's https_port as the anchor:
 *   - a page of 60 resources from 12 origins, loaded the way a browser does
 *     through an HTTPS proxy: over HTTP/1.1 one tunnel per TLS connection
 *     (60 connections, each resuming a session ticket, as Chromium with
 *     --disable-http2 does in h2-browsers.e2e.test.ts), over h2 60 CONNECT
 *     streams on one connection. TLS connections the gateway accepted (its
 *     ALPN metric), the gateway's CPU per page, and time to load;
 *   - one large download through one h2 tunnel against one HTTP/1.1 TLS
 *     tunnel: throughput and the proxy's CPU per GiB.
 * Every path uses the same Node client, so the client's cost is alike; inside
 * the tunnels the origins speak plain HTTP (the browser's TLS to a site is
 * the browser's and the site's work, not the gateway's). Over HTTP/1.1 at
 * most H1_SOCKETS_PER_PROXY tunnels are open at once, the cap Chromium and
 * Firefox put on connections to one proxy (32 each); the rest wait for one to end.
 *
 * The page is loaded twice over: on bare loopback, and through a userspace
 * delay relay (delay-relay.ts) that holds every chunk DELAY_MS each way
 * (round trip +2 × DELAY_MS, and a round trip for each new TCP connection),
 * between the client and the proxy. It stands in for `tc netem`, which needs
 * the sch_netem kernel module this machine lacks; the output says so.
 *
 *   npm run bench -- gateway            # after the throughput figures
 *   npm run bench -- gateway-h2         # this part alone
 *   CARGO_BENCH_H2_MIB=256 CARGO_BENCH_H2_PAGES=10 CARGO_BENCH_H2_DELAY_MS=20 CARGO_BENCH_H2_ROUNDS=5 npm run bench -- gateway-h2
 *   CARGO_BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- gateway-h2   # profile the gateway
 *
 * The machine's load average is printed beside the bulk table: on a shared
 * machine it, more than the path, sets the speed of a single download.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import type { Readable } from "node:stream";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { pathToFileURL } from "node:url";
import { sendBulkBody } from "@cargo-vpn/testkit/bulk-origin";
import { startFakeApi } from "@cargo-vpn/testkit/fake-api";
import { type AnchorProxy, startSquid } from "./anchors";
import { startDelayRelay } from "./delay-relay";
import { startTlsGatewayChild } from "./throughput";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const DOWNLOAD_BYTES = Number(process.env.CARGO_BENCH_H2_MIB ?? 1024) * MiB;
const PAGES = Number(process.env.CARGO_BENCH_H2_PAGES ?? 20);
/** Bulk rounds per proxy: the median of five stands against one slow round on a busy machine better than of three. */
const ROUNDS = Number(process.env.CARGO_BENCH_H2_ROUNDS ?? 5);
const DELAY_MS = Number(process.env.CARGO_BENCH_H2_DELAY_MS ?? 20);
const DELAYED_PAGES = Number(process.env.CARGO_BENCH_H2_DELAYED_PAGES ?? 5);
/** Connections Chromium (kDefaultMaxSocketsPerProxyChain) and Firefox (max-persistent-connections-per-proxy) open to one proxy. */
const H1_SOCKETS_PER_PROXY = 32;
const ORIGINS = 12;
const PER_ORIGIN = 5;

/** Origins on ORIGINS ports: GET /bytes/<n> streams n bytes from one reused 1 MiB chunk; anything else a 1×1 GIF. */
async function startOrigins(): Promise<{ ports: number[]; close(): Promise<void> }> {
  const gif = Buffer.from("R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==", "base64");
  const servers: http.Server[] = [];
  for (let i = 0; i < ORIGINS; i++) {
    const server = http.createServer((req, res) => {
      const bytes = /^\/bytes\/(\d+)$/.exec(req.url ?? "");
      if (!bytes) {
        res.writeHead(200, { "content-type": "image/gif", "content-length": gif.length });
        return res.end(gif);
      }
      const total = Number(bytes[1]);
      res.writeHead(200, { "content-length": total });
      sendBulkBody(res, total);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
  }
  return {
    ports: servers.map((server) => (server.address() as net.AddressInfo).port),
    close: async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

/** Reads a socket or stream to its end; resolves with the bytes that came. */
function drain(from: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    from.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    from.on("end", () => resolve(bytes));
    from.on("error", reject);
  });
}

const innerGet = (path: string) => `GET ${path} HTTP/1.1\r\nHost: origin.bench\r\nConnection: close\r\n\r\n`;

/** An HTTP/1.1 CONNECT tunnel on its own TLS connection (resuming `session` when given). */
function h1Tunnel(port: number, target: string, auth: string | undefined, session?: Buffer): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"], session }, () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ""}\r\n`);
    });
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      if (!head.startsWith("HTTP/1.1 200")) return reject(new Error(`CONNECT answered ${head.slice(0, 12)}`));
      if (end + 4 < head.length) socket.unshift(Buffer.from(head.slice(end + 4), "latin1"));
      resolve(socket);
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}

/** A TLS session ticket of `port`, for the resumed HTTP/1.1 connections a browser makes. */
function ticket(port: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 1000);
    socket.once("session", (session: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(session);
    });
    socket.on("data", () => {});
    socket.on("error", () => resolve(undefined));
  });
}

function h2Session(port: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    // Chromium's receive windows: 6 MiB per stream, 15 MiB for the connection.
    const session = http2.connect(`https://127.0.0.1:${port}`, {
      rejectUnauthorized: false,
      settings: { initialWindowSize: 6 * MiB },
      maxSessionMemory: 256,
    });
    session.once("connect", () => {
      session.setLocalWindowSize(15 * MiB);
      resolve(session);
    });
    session.once("error", reject);
  });
}

function h2Tunnel(session: http2.ClientHttp2Session, target: string, auth: string): Promise<http2.ClientHttp2Stream> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": "CONNECT", ":authority": target, "proxy-authorization": auth }, { endStream: false });
    stream.once("response", (headers) =>
      headers[":status"] === 200 ? resolve(stream) : reject(new Error(`CONNECT answered ${headers[":status"]}`)),
    );
    stream.once("error", reject);
  });
}

interface Proxy {
  name: string;
  port: number;
  auth?: string;
  h2: boolean;
  cpu: () => Promise<number>;
  /** TLS connections the proxy accepted so far (null when it does not say). */
  connections?: () => Promise<number>;
}

/** One page: ORIGINS × PER_ORIGIN resources, all at once, as the browser asks for them. */
async function loadPage(proxy: Proxy, ports: number[], session: Buffer | undefined): Promise<void> {
  const resources = ports.flatMap((port) =>
    Array.from({ length: PER_ORIGIN }, (_, i) => ({ target: `127.0.0.1:${port}`, path: `/r/${i}.gif` })),
  );
  if (!proxy.h2) {
    // The browser's cap on connections to one proxy: each of these takes the next resource when its own is done.
    const next = resources.values();
    const connection = async () => {
      for (let resource = next.next(); !resource.done; resource = next.next()) {
        const socket = await h1Tunnel(proxy.port, resource.value.target, proxy.auth, session);
        socket.write(innerGet(resource.value.path));
        await drain(socket);
        socket.destroy();
      }
    };
    await Promise.all(Array.from({ length: H1_SOCKETS_PER_PROXY }, connection));
    return;
  }
  const connection = await h2Session(proxy.port);
  await Promise.all(
    resources.map(async ({ target, path }) => {
      const stream = await h2Tunnel(connection, target, proxy.auth!);
      stream.write(innerGet(path));
      await drain(stream);
      // The browser closes its half too once the site has closed its connection.
      stream.close();
    }),
  );
  connection.close();
}

/** One download of `bytes` through one tunnel; bytes per second. */
async function download(proxy: Proxy, port: number, bytes: number): Promise<number> {
  const target = `127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  let received: number;
  if (proxy.h2) {
    const connection = await h2Session(proxy.port);
    const stream = await h2Tunnel(connection, target, proxy.auth!);
    stream.write(innerGet(`/bytes/${bytes}`));
    received = await drain(stream);
    stream.close();
    connection.close();
  } else {
    const socket = await h1Tunnel(proxy.port, target, proxy.auth);
    socket.write(innerGet(`/bytes/${bytes}`));
    received = await drain(socket);
    socket.destroy();
  }
  if (received < bytes) throw new Error(`${proxy.name}: ${received} of ${bytes} bytes`);
  return bytes / (Number(process.hrtime.bigint() - started) / 1e9);
}

type PageFigures = Map<string, { ms: number[]; cpu: number; connections: number }>;

/** The page, `count` times per proxy, taken in turns; the first load of each warms up and is not counted. */
async function pageLoads(proxies: Proxy[], ports: number[], tickets: Map<string, Buffer | undefined>, count: number): Promise<PageFigures> {
  const page: PageFigures = new Map();
  for (const proxy of proxies) {
    await loadPage(proxy, ports, tickets.get(proxy.name));
    page.set(proxy.name, { ms: [], cpu: 0, connections: 0 });
  }
  for (let i = 0; i < count; i++) {
    for (const proxy of proxies) {
      const figures = page.get(proxy.name)!;
      const cpuBefore = await proxy.cpu();
      const connectionsBefore = proxy.connections ? await proxy.connections() : 0;
      const started = process.hrtime.bigint();
      await loadPage(proxy, ports, tickets.get(proxy.name));
      figures.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
      figures.cpu += (await proxy.cpu()) - cpuBefore;
      if (proxy.connections) figures.connections += (await proxy.connections()) - connectionsBefore;
    }
  }
  return page;
}

function pageTable(proxies: Proxy[], page: PageFigures, count: number, delay: string): void {
  console.log(
    `\nA page of ${ORIGINS * PER_ORIGIN} resources from ${ORIGINS} origins through an HTTPS proxy (${count} loads each, in turns; ` +
      `HTTP/1.1 at most ${H1_SOCKETS_PER_PROXY} connections at once, as browsers; ${delay})`,
  );
  console.table(
    proxies.map((proxy) => {
      const figures = page.get(proxy.name)!;
      return {
        path: proxy.name,
        "TLS connections per page": proxy.connections ? round(figures.connections / count, 1) : proxy.h2 ? 1 : ORIGINS * PER_ORIGIN,
        "proxy CPU ms per page": round((figures.cpu / count) * 1000, 2),
        "load ms (median)": round(median(figures.ms), 1),
      };
    }),
  );
}

/** 1, 5 and 15 minute load averages. */
const loadText = (load: number[]) => load.map((value) => value.toFixed(1)).join(" / ");
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runH2Bench(): Promise<void> {
  console.log(`gateway-h2: load average ${loadText(loadavg())} at the start, on ${availableParallelism()} cores`);
  const dir = mkdtempSync(join(tmpdir(), "cargo-gw-h2-bench-"));
  const api = await startFakeApi("gw-h2-bench");
  const origins = await startOrigins();
  // Closed tunnels leave the session's count a moment after the client saw the end; pages follow each other at once.
  const gateway = await startTlsGatewayChild(api, dir, 4 * ORIGINS * PER_ORIGIN);
  let squid: AnchorProxy | null = null;
  try {
    squid = await startSquid(dir, join(dir, "cert.pem"), join(dir, "key.pem")).catch(() => null);
    const session = "h2-bench-session";
    const auth = `Basic ${Buffer.from(`${session}:${await api.credential(session)}`).toString("base64")}`;
    // "counters", not "stats": stats runs a GC first, which would be charged to the page.
    const gatewayCpu = async () => {
      const { cpu } = await gateway.counters();
      return (cpu.user + cpu.system) / 1e6;
    };
    const gatewayConnections = async () => {
      const counters = await gateway.counters();
      return counters.tlsConnectionsH2 + counters.tlsConnectionsHttp1;
    };
    const proxies: Proxy[] = [
      { name: "gateway HTTP/1.1 TLS", port: gateway.tlsPort, auth, h2: false, cpu: gatewayCpu, connections: gatewayConnections },
      { name: "gateway h2", port: gateway.tlsPort, auth, h2: true, cpu: gatewayCpu, connections: gatewayConnections },
      ...(squid ? [{ name: "squid https_port (HTTP/1.1)", port: squid.tlsPort!, h2: false, cpu: async () => squid!.cpuSeconds() }] : []),
    ];

    const tickets = new Map<string, Buffer | undefined>();
    for (const proxy of proxies) tickets.set(proxy.name, proxy.h2 ? undefined : await ticket(proxy.port));
    const page = await pageLoads(proxies, origins.ports, tickets, PAGES);
    const relays = await Promise.all(proxies.map((proxy) => startDelayRelay(proxy.port, DELAY_MS)));
    const delayedPage = await pageLoads(
      proxies.map((proxy, i) => ({ ...proxy, port: relays[i]!.port })),
      origins.ports,
      tickets,
      DELAYED_PAGES,
    ).finally(() => Promise.all(relays.map((relay) => relay.close())));

    // One tunnel, one large download, ROUNDS times per proxy in turns (every other round in reverse order, so no
    // path always follows another): best and median speed; CPU averaged, the proxy's and the client's (this
    // process: the client, and the origin's writes, alike for every path).
    const bulk = new Map<string, { speeds: number[]; cpu: number; clientCpu: number }>();
    const loadBefore = loadavg();
    for (let r = 0; r < ROUNDS; r++) {
      for (const proxy of r % 2 === 0 ? proxies : [...proxies].reverse()) {
        const cpuBefore = await proxy.cpu();
        const clientBefore = process.cpuUsage();
        const speed = await download(proxy, origins.ports[0]!, DOWNLOAD_BYTES);
        const client = process.cpuUsage(clientBefore);
        const cpu = (await proxy.cpu()) - cpuBefore;
        const entry = bulk.get(proxy.name) ?? { speeds: [], cpu: 0, clientCpu: 0 };
        entry.speeds.push(speed);
        entry.cpu += cpu / ROUNDS;
        entry.clientCpu += (client.user + client.system) / 1e6 / ROUNDS;
        bulk.set(proxy.name, entry);
      }
    }

    const loadAfter = loadavg();
    pageTable(proxies, page, PAGES, "no added delay");
    pageTable(
      proxies,
      delayedPage,
      DELAYED_PAGES,
      `+${DELAY_MS} ms each way, round trip +${2 * DELAY_MS} ms, by a userspace TCP delay relay (bench/delay-relay.ts), not tc netem`,
    );
    const h1 = bulk.get("gateway HTTP/1.1 TLS")!;
    const best = (speeds: number[]) => Math.max(...speeds);
    console.log(
      `\n${DOWNLOAD_BYTES / MiB} MiB through one tunnel (${ROUNDS} rounds in turns; CPU means: the proxy process alone, and the client's; ` +
        `load average ${loadText(loadBefore)} before, ${loadText(loadAfter)} after)`,
    );
    console.table(
      proxies.map((proxy) => {
        const figures = bulk.get(proxy.name)!;
        return {
          path: proxy.name,
          "best MB/s": round(best(figures.speeds) / 1e6),
          "best / gateway HTTP/1.1 TLS": round(best(figures.speeds) / best(h1.speeds), 3),
          "median MB/s": round(median(figures.speeds) / 1e6),
          "median / gateway HTTP/1.1 TLS": round(median(figures.speeds) / median(h1.speeds), 3),
          "proxy CPU s per GiB": round(figures.cpu / (DOWNLOAD_BYTES / GiB), 3),
          "client CPU s per GiB": round(figures.clientCpu / (DOWNLOAD_BYTES / GiB), 3),
        };
      }),
    );
    if (!squid) console.log("squid: skipped (not installed or did not start)");
  } finally {
    await squid?.stop();
    await gateway.close();
    await origins.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runH2Bench();
}
