/**
 * `npm run bench -- gateway-tls`: where a TLS handshake's CPU goes, the
 * gateway beside squid in the same run, each with an ECDSA P-256 and an RSA
 * 2048 certificate: server CPU per full handshake (certificate signature and
 * key exchange) and per resumed one (a TLS 1.3 ticket: no signature, the
 * key exchange still done), from handshakes.ts in alternating rounds. The
 * gateway twice: with the post-quantum hybrid X25519MLKEM768 that browsers
 * offer first (Node's OpenSSL 3.5 takes it), and with X25519 alone, which is
 * what squid on Debian's OpenSSL 3.0 does with the same offer.
 * Only handshakes, so it takes about a minute, against the several of
 * `npm run bench -- gateway`.
 *
 *   import { runTlsHandshakeBench } from "…/gateway/bench/tls-handshakes.ts";
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeApi } from "@cargo-vpn/testkit/fake-api";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import { type AnchorProxy, startSquid } from "./anchors";
import { type HandshakeRate, type HandshakeServer, handshakeRounds } from "./handshakes";
import { GatewayChild } from "./throughput";

const KEY_TYPES = { "ECDSA P-256": "ec", "RSA 2048": "rsa" } as const;

export interface TlsHandshakeRow {
  server: string;
  certificate: string;
  "key exchange": string;
  "CPU ms full": number;
  "CPU ms resumed": number;
  "resumed share": number;
  "full per CPU-s": number;
}

export async function runTlsHandshakeBench(): Promise<TlsHandshakeRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "cargo-gw-tls-bench-"));
  const api = await startFakeApi("gw-bench");
  const gateways: GatewayChild[] = [];
  const squids: AnchorProxy[] = [];
  const servers: Record<string, HandshakeServer> = {};
  try {
    for (const [label, keyType] of Object.entries(KEY_TYPES)) {
      const { cert, key } = selfSignedCert({ keyType });
      // squid drops to its own user: its files sit in a folder it may enter (startSquid opens it up).
      const own = join(dir, keyType);
      mkdirSync(own);
      chmodSync(dir, 0o755);
      const certPath = join(own, "cert.pem");
      const keyPath = join(own, "key.pem");
      writeFileSync(certPath, cert);
      writeFileSync(keyPath, key);
      const gateway = await GatewayChild.start({
        CARGO_API_URL: api.url,
        CARGO_GATEWAY_ID: api.gatewayId,
        CARGO_GATEWAY_SECRET: api.secret,
        GATEWAY_PORT: "0",
        GATEWAY_TLS_PORT: "0",
        GATEWAY_TLS_CERT: certPath,
        GATEWAY_TLS_KEY: keyPath,
        GATEWAY_ALLOW_LOOPBACK: "true",
      });
      gateways.push(gateway);
      const cpu = () => gateway.cpuSeconds();
      servers[`gateway|${label}|X25519MLKEM768`] = { port: gateway.tlsPort, cpu };
      servers[`gateway|${label}|X25519`] = { port: gateway.tlsPort, cpu, groups: "X25519" };
      const squid = await startSquid(own, certPath, keyPath).catch(() => null);
      if (squid) {
        squids.push(squid);
        // squid's OpenSSL 3.0 has no ML-KEM: offered the hybrid first, it settles on X25519.
        servers[`squid|${label}|X25519`] = { port: squid.tlsPort!, cpu: squid.cpuSeconds };
      }
    }
    const rates = await handshakeRounds(servers);
    const rows = Object.entries(rates).map(([name, { full, resumed }]): TlsHandshakeRow => {
      const [server, certificate, exchange] = name.split("|") as [string, string, string];
      return {
        server,
        certificate,
        "key exchange": exchange,
        "CPU ms full": round(full.serverCpuMs),
        "CPU ms resumed": round(resumed.serverCpuMs),
        "resumed share": round(resumed.reusedShare, 2),
        "full per CPU-s": perCpuSecond(full),
      };
    });
    console.log("\nTLS handshakes: server CPU, gateway beside squid (4 in flight, 3 s each after 2 s warm-up, median of 3 rounds)");
    console.table(rows);
    if (squids.length === 0) console.log("squid skipped: /usr/sbin/squid not installed or did not start");
    return rows;
  } finally {
    for (const squid of squids) await squid.stop();
    for (const gateway of gateways) await gateway.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (value: number | undefined, digits = 3) => Number((value ?? 0).toFixed(digits));
const perCpuSecond = (rate: HandshakeRate) => (rate.serverCpuMs ? Math.round(1000 / rate.serverCpuMs) : 0);
