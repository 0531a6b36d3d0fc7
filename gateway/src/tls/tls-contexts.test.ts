/**
 * What a TLS handshake and a certificate reload cost the gateway in secure
 * contexts (the TLS CPU work of issue 20, item 14): handshakes, full or
 * resumed, reuse the listener's one context and build none; a reload builds
 * exactly one, and a refused reload (including an ECDSA certificate with an
 * RSA key, which OpenSSL alone would load) leaves the old one serving. And the
 * certificate advice: an RSA certificate is logged at start with the advice
 * to use ECDSA P-256 (README, "Which certificate"); an ECDSA P-256 one is not.
 */
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { certificateKeyKind, keyMatchesCertificate } from "./tls-certificate";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";

const ec = selfSignedCert();
const rsa = selfSignedCert({ keyType: "rsa" });

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());

let gateway: RunningGateway | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await gateway?.close();
  gateway = undefined;
});

/** A gateway with a TLS listener on `cert`, and the log lines it writes. */
async function start(cert: { cert: string; key: string }): Promise<{ running: RunningGateway; lines: string[] }> {
  const memory = memoryLogger();
  gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    tls: { port: 0, ...cert },
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger: memory.logger,
  });
  return { running: gateway, lines: memory.lines };
}

// The client's own context, built once: tls.connect would otherwise build one per connection in this process.
const clientContext = tls.createSecureContext({});

/** One handshake; resolves with the session ticket (for resumption) and whether it resumed. */
function handshake(port: number, session?: Buffer): Promise<{ reused: boolean; fingerprint: string; ticket?: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, session, secureContext: clientContext });
    let result: { reused: boolean; fingerprint: string; ticket?: Buffer } | undefined;
    socket.once("secureConnect", () => {
      result = { reused: socket.isSessionReused(), fingerprint: socket.getPeerCertificate().fingerprint256 };
      if (result.reused) socket.end();
    });
    socket.on("session", (ticket: Buffer) => {
      if (result && !result.ticket) {
        result.ticket = ticket;
        socket.end();
      }
    });
    socket.on("data", () => {});
    socket.on("error", reject);
    socket.on("close", () => (result ? resolve(result) : reject(new Error("no handshake"))));
  });
}

describe("secure contexts", () => {
  it("builds none per handshake, full or resumed", async () => {
    const { running } = await start(ec);
    const built = vi.spyOn(tls, "createSecureContext");
    const first = await handshake(running.tlsPort!);
    for (let i = 0; i < 10; i++) expect((await handshake(running.tlsPort!)).reused).toBe(false);
    for (let i = 0; i < 10; i++) expect((await handshake(running.tlsPort!, first.ticket)).reused).toBe(true);
    expect(built).not.toHaveBeenCalled();
  });

  it("builds exactly one per reload, and a refused reload keeps the old one serving", async () => {
    const { running } = await start(ec);
    const built = vi.spyOn(tls, "createSecureContext");
    expect(running.reloadTls({ cert: rsa.cert, key: rsa.key })).toBe(true);
    expect(built).toHaveBeenCalledTimes(1);
    expect((await handshake(running.tlsPort!)).fingerprint).toBe(new X509Certificate(rsa.cert).fingerprint256);

    // A pair that is not one — here an ECDSA certificate with the RSA key, which OpenSSL itself would load
    // (separate key slots) and then fail every handshake with — is refused before anything is built.
    built.mockClear();
    expect(running.reloadTls({ cert: ec.cert, key: rsa.key })).toBe(false);
    expect(running.reloadTls({ cert: rsa.cert, key: ec.key })).toBe(false);
    expect(built).not.toHaveBeenCalled();
    expect((await handshake(running.tlsPort!)).fingerprint).toBe(new X509Certificate(rsa.cert).fingerprint256);
  });
});

describe("certificate advice", () => {
  it("tells the key type of a certificate", () => {
    expect(certificateKeyKind(ec.cert)).toBe("ecdsa-p256");
    expect(certificateKeyKind(rsa.cert)).toBe("rsa");
    expect(certificateKeyKind("-----BEGIN CERTIFICATE-----\nnot one")).toBe("unreadable");
    expect(keyMatchesCertificate(ec.cert, ec.key)).toBe(true);
    expect(keyMatchesCertificate(ec.cert, rsa.key)).toBe(false);
    expect(keyMatchesCertificate(ec.cert, "not a key")).toBe(false);
  });

  it("refuses to start on a certificate and a key that are not one pair", async () => {
    await expect(start({ cert: ec.cert, key: rsa.key })).rejects.toThrow("tls.key is not the private key of tls.cert");
    gateway = undefined;
  });

  it("logs tls_certificate_rsa at start with an RSA certificate, and nothing with ECDSA P-256", async () => {
    const withRsa = await start(rsa);
    expect(withRsa.lines.filter((line) => line.includes('"tls_certificate_rsa"'))).toHaveLength(1);
    await withRsa.running.close();
    gateway = undefined;
    const withEc = await start(ec);
    expect(withEc.lines.some((line) => line.includes('"tls_certificate_rsa"'))).toBe(false);
  });
});
