/**
 * Certificate reload on the TLS listeners (in process; the SIGHUP path of the
 * packaged bundle is in bundle.test.ts), session resumption and ticket key
 * rotation, and the cipher the listener prefers. The gateway here also has
 * the http/1.1-only listener (`tls.http1Port`): reloads and ticket keys
 * apply to both.
 */
import { randomBytes, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { createTlsListener } from "./tls-listener";
import { httpOverSocket, openTunnel } from "@cargo-vpn/testkit/proxy-client";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";

const first = selfSignedCert();
const second = selfSignedCert();
const dir = mkdtempSync(join(tmpdir(), "cargo-gw-tls-"));
const certPath = join(dir, "cert.pem");
const keyPath = join(dir, "key.pem");

let api: FakeApi;
let origin: Origin;
let gateway: RunningGateway;
let lines: string[];

beforeAll(async () => {
  writeFileSync(certPath, first.cert);
  writeFileSync(keyPath, first.key);
  api = await startFakeApi();
  origin = await startOrigin();
  const memory = memoryLogger();
  lines = memory.lines;
  gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    tls: { port: 0, http1Port: 0, cert: first.cert, key: first.key, certPath, keyPath },
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger: memory.logger,
  });
});
afterAll(async () => {
  await gateway.close();
  await api.close();
  await origin.close();
  rmSync(dir, { recursive: true, force: true });
});

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The certificate each of the gateway's TLS listeners presents to a new handshake. */
async function presented(): Promise<string[]> {
  return [(await handshake()).fingerprint, (await handshake(undefined, gateway.tlsHttp1Port!)).fingerprint];
}

/** The certificate the gateway presents to a new handshake, and whether the session was resumed. */
function handshake(session?: Buffer, port = gateway.tlsPort!): Promise<{ fingerprint: string; reused: boolean; session?: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, session });
    let result: { fingerprint: string; reused: boolean; session?: Buffer } | undefined;
    socket.once("secureConnect", () => {
      result = { fingerprint: socket.getPeerCertificate().fingerprint256, reused: socket.isSessionReused() };
      // TLS 1.3 tickets arrive after the handshake: wait for one before closing.
      if (result.reused) socket.end();
    });
    socket.on("session", (ticket: Buffer) => {
      if (result && !result.session) {
        result.session = ticket;
        socket.end();
      }
    });
    socket.on("data", () => {});
    socket.on("error", reject);
    socket.on("close", () => (result ? resolve(result) : reject(new Error("no handshake"))));
  });
}

it("serves a reloaded certificate to new handshakes while an open tunnel keeps carrying bytes", async () => {
  const auth = await api.proxyAuthorization("s-reload");
  const tunnels = [
    await openTunnel({ port: gateway.tlsPort!, ca: first.cert, auth, target: `127.0.0.1:${origin.port}` }),
    await openTunnel({ port: gateway.tlsHttp1Port!, ca: first.cert, auth, target: `127.0.0.1:${origin.port}` }),
  ];
  expect(tunnels.map((tunnel) => tunnel.status)).toEqual([200, 200]);
  expect(await presented()).toEqual([fingerprint(first.cert), fingerprint(first.cert)]);

  writeFileSync(certPath, second.cert);
  writeFileSync(keyPath, second.key);
  expect(gateway.reloadTls()).toBe(true);
  expect(await presented()).toEqual([fingerprint(second.cert), fingerprint(second.cert)]);
  expect(lines.filter((line) => line.includes('"tls_reloaded"'))).toHaveLength(1);

  // The tunnels opened before the reload still work, on their original certificate.
  for (const tunnel of tunnels) {
    expect((tunnel.socket as tls.TLSSocket).getPeerCertificate().fingerprint256).toBe(fingerprint(first.cert));
    const response = await httpOverSocket(tunnel.socket, "GET", "/bytes/100000");
    expect(response.body.length).toBe(100_000);
    tunnel.socket.destroy();
  }

  // PEMs given directly work too.
  expect(gateway.reloadTls({ cert: first.cert, key: first.key })).toBe(true);
  expect(await presented()).toEqual([fingerprint(first.cert), fingerprint(first.cert)]);
});

it("keeps the current certificate when the new files are unusable", async () => {
  expect(gateway.reloadTls({ cert: second.cert, key: second.key })).toBe(true);
  writeFileSync(certPath, first.cert);
  writeFileSync(keyPath, second.key); // not the key of that certificate
  const before = lines.length;
  expect(gateway.reloadTls()).toBe(false);
  writeFileSync(certPath, "-----BEGIN CERTIFICATE-----\nhalf written");
  expect(gateway.reloadTls()).toBe(false);
  expect(await presented()).toEqual([fingerprint(second.cert), fingerprint(second.cert)]);
  expect(lines.slice(before).filter((line) => line.includes('"tls_reload_failed"'))).toHaveLength(2);
});

it("resumes sessions from a ticket, also across a certificate reload, and on the other TLS listener (same ticket keys)", async () => {
  const http1Port = gateway.tlsHttp1Port!;
  const full = await handshake();
  expect(full.reused).toBe(false);
  expect(full.session).toBeDefined();
  const resumed = await handshake(full.session);
  expect(resumed.reused).toBe(true);
  expect((await handshake(full.session, http1Port)).reused).toBe(true);
  expect(gateway.reloadTls({ cert: first.cert, key: first.key })).toBe(true);
  expect((await handshake(full.session)).reused).toBe(true);
  expect((await handshake(full.session, http1Port)).reused).toBe(true);
});

it("applies ticket keys set while running (a cluster worker's, from its primary) to both TLS listeners", async () => {
  const http1Port = gateway.tlsHttp1Port!;
  const before = await handshake();
  expect(gateway.setTicketKeys(randomBytes(48))).toBe(true);
  // Neither listener opens a ticket sealed under the keys before…
  expect((await handshake(before.session)).reused).toBe(false);
  expect((await handshake(before.session, http1Port)).reused).toBe(false);
  // …and a ticket from either resumes on the other.
  const fromHttp1 = await handshake(undefined, http1Port);
  expect((await handshake(fromHttp1.session)).reused).toBe(true);
  const fromMain = await handshake();
  expect((await handshake(fromMain.session, http1Port)).reused).toBe(true);
});

it("chooses AES-128-GCM even for a client that asks for AES-256-GCM first (Node's and curl's default order)", async () => {
  const cipher = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: gateway.tlsPort!, rejectUnauthorized: false }, () => {
      resolve(socket.getCipher().standardName);
      socket.destroy();
    });
    socket.on("error", reject);
  });
  expect(tls.DEFAULT_CIPHERS.startsWith("TLS_AES_256_GCM_SHA384")).toBe(true);
  expect(cipher).toBe("TLS_AES_128_GCM_SHA256");
});

it("stops resuming tickets issued before a ticket key rotation, on every server of the listener", async () => {
  const listener = createTlsListener({}, { port: 0, cert: first.cert, key: first.key }, memoryLogger().logger);
  const servers = [listener.server, listener.addServer({})];
  const ports: number[] = [];
  for (const server of servers) {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  const [port, added] = ports as [number, number];
  try {
    const full = await handshake(undefined, port);
    expect((await handshake(full.session, port)).reused).toBe(true);
    expect((await handshake(full.session, added)).reused).toBe(true);
    listener.rotateTicketKeys();
    expect((await handshake(full.session, port)).reused).toBe(false);
    expect((await handshake(full.session, added)).reused).toBe(false);
    const next = await handshake(undefined, added);
    expect((await handshake(next.session, port)).reused).toBe(true);
  } finally {
    for (const server of servers) server.close();
  }
});

it("resumes on another listener given the same ticket keys (several processes behind one address)", async () => {
  const ticketKeys = randomBytes(48);
  const listeners = [0, 1].map(() =>
    createTlsListener({}, { port: 0, cert: first.cert, key: first.key, ticketKeys }, memoryLogger().logger),
  );
  const ports: number[] = [];
  for (const { server } of listeners) {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  try {
    const full = await handshake(undefined, ports[0]);
    expect((await handshake(full.session, ports[1])).reused).toBe(true);
    // Without shared keys the other listener cannot open the ticket.
    expect((await handshake(full.session, gateway.tlsPort!)).reused).toBe(false);
  } finally {
    for (const { server } of listeners) server.close();
  }
});
