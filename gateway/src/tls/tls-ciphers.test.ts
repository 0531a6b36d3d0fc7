/**
 * The TLS listener's suites, checked from outside with the system's
 * `openssl s_client` (what testssl.sh and sslscan drive): TLS 1.2 takes only
 * ECDHE with AES-GCM or ChaCha20-Poly1305 (Mozilla's intermediate profile),
 * never static-RSA key exchange, CBC, ARIA, CCM or finite-field DHE; TLS 1.3
 * takes its three suites and the post-quantum hybrid X25519MLKEM768 key
 * exchange (Node's OpenSSL 3.5) as well as X25519. Run against the gateway's real listener with an
 * ECDSA certificate and a listener with an RSA one (static RSA and the
 * ECDHE-RSA suites need an RSA key to be offered at all).
 */
import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import nodeTls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { createTlsListener, type TlsListener } from "./tls-listener";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";

let api: FakeApi;
let gateway: RunningGateway;
let rsa: TlsListener;
let rsaPort: number;

beforeAll(async () => {
  api = await startFakeApi();
  const ec = selfSignedCert();
  gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    tls: { port: 0, cert: ec.cert, key: ec.key },
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    logger: memoryLogger().logger,
  });
  const rsaCert = selfSignedCert({ keyType: "rsa" });
  rsa = createTlsListener({}, { port: 0, cert: rsaCert.cert, key: rsaCert.key }, memoryLogger().logger);
  await new Promise<void>((resolve) => rsa.server.listen(0, "127.0.0.1", resolve));
  rsaPort = (rsa.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => rsa.server.close(resolve));
  await gateway.close();
  await api.close();
});

/** One handshake by `openssl s_client`; the suite it settled on, or null when refused. */
function sClient(port: number, args: string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", ...args],
      { timeout: 10_000 },
      (error, stdout) => {
        if (error?.killed) return reject(new Error(`openssl s_client ${args.join(" ")} hung`));
        // "Cipher is (NONE)" / a non-zero exit: no handshake.
        const cipher = /Cipher is (\S+)/.exec(stdout)?.[1];
        resolve(!error && cipher && cipher !== "(NONE)" ? cipher : null);
      },
    );
    child.stdin?.end();
  });
}

const tls12 = (port: number, cipher: string) => sClient(port, ["-tls1_2", "-cipher", cipher]);

describe("TLS 1.2 suites (Mozilla intermediate)", () => {
  it.each([
    ["AES256-SHA256", "static RSA, CBC"],
    ["AES128-GCM-SHA256", "static RSA, GCM"],
    ["AES128-SHA", "static RSA, CBC, SHA-1"],
    ["ECDHE-RSA-AES128-SHA256", "ECDHE, CBC"],
    ["ECDHE-RSA-AES256-SHA", "ECDHE, CBC, SHA-1"],
    ["ECDHE-ARIA128-GCM-SHA256", "ECDHE, ARIA"],
    ["DHE-RSA-AES128-GCM-SHA256", "finite-field DHE"],
    ["AES128-CCM", "static RSA, CCM"],
  ])("refuses %s (%s) with an RSA certificate", async (cipher) => {
    expect(await tls12(rsaPort, cipher)).toBeNull();
  });

  it.each([
    ["ECDHE-ECDSA-AES128-SHA256", "CBC"],
    ["ECDHE-ECDSA-AES256-SHA", "CBC, SHA-1"],
    ["ECDHE-ECDSA-AES128-CCM", "CCM"],
    ["ECDHE-ECDSA-ARIA128-GCM-SHA256", "ARIA"],
  ])("refuses %s (%s) on the gateway's ECDSA listener", async (cipher) => {
    expect(await tls12(gateway.tlsPort!, cipher)).toBeNull();
  });

  it.each(["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"])(
    "accepts %s with an RSA certificate",
    async (cipher) => {
      expect(await tls12(rsaPort, cipher)).toBe(cipher);
    },
  );

  it.each(["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"])(
    "accepts %s on the gateway's ECDSA listener",
    async (cipher) => {
      expect(await tls12(gateway.tlsPort!, cipher)).toBe(cipher);
    },
  );

  it("picks an ECDHE AEAD suite for a TLS 1.2 client that offers everything", async () => {
    const cipher = await sClient(gateway.tlsPort!, ["-tls1_2", "-cipher", "ALL:@SECLEVEL=0"]);
    expect(cipher).toMatch(/^ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });
});

describe("TLS 1.3 (unchanged)", () => {
  it.each(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])("accepts %s", async (suite) => {
    expect(await sClient(gateway.tlsPort!, ["-tls1_3", "-ciphersuites", suite])).toBe(suite);
  });

  it.each(["X25519MLKEM768", "X25519"])(
    "takes the key exchange %s (the post-quantum hybrid browsers offer first, or X25519 alone)",
    async (group) => {
      const tls13 = await new Promise<boolean>((resolve, reject) => {
        const socket = nodeTls.connect({ host: "127.0.0.1", port: gateway.tlsPort!, rejectUnauthorized: false, ecdhCurve: group }, () => {
          resolve(socket.getProtocol() === "TLSv1.3");
          socket.destroy();
        });
        socket.on("error", reject);
      });
      expect(tls13).toBe(true);
    },
  );

  it("refuses TLS 1.1", async () => {
    expect(await sClient(gateway.tlsPort!, ["-tls1_1", "-cipher", "ALL:@SECLEVEL=0"])).toBeNull();
  });
});
