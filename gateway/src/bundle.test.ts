/**
 * The packaged gateway as an operator runs it: `npm run gateway:build`'s
 * single file, copied alone into an empty folder (no checkout, no
 * node_modules), started with plain `node`. It carries traffic, reloads its
 * certificate on a real SIGHUP without dropping an open tunnel, and drains
 * and reports usage on SIGTERM.
 */
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import tls from "node:tls";
import { expect, it } from "vitest";
import { BUNDLE_NAME, buildGateway } from "../scripts/build";
import { startFakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin } from "@cargo-vpn/testkit/origin";
import { httpOverSocket, openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.on("error", reject);
  });
}

it("builds one file that runs with plain node, carries traffic, reloads its certificate on SIGHUP and drains on SIGTERM", async () => {
  const buildDir = mkdtempSync(join(tmpdir(), "cargo-gw-build-"));
  const runDir = mkdtempSync(join(tmpdir(), "cargo-gw-run-"));
  const api = await startFakeApi();
  const origin = await startOrigin();
  const first = selfSignedCert();
  const second = selfSignedCert();
  try {
    const { bundle, files } = await buildGateway(buildDir);
    expect(files.map((file) => file.slice(buildDir.length + 1)).sort()).toEqual([
      "cargo-gateway.env",
      "cargo-gateway.mjs",
      "cargo-gateway.service",
    ]);
    copyFileSync(bundle, join(runDir, BUNDLE_NAME));
    writeFileSync(join(runDir, "cert.pem"), first.cert);
    writeFileSync(join(runDir, "key.pem"), first.key);
    expect(readdirSync(runDir).sort()).toEqual([BUNDLE_NAME, "cert.pem", "key.pem"]);
    for (let dir = runDir; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, "node_modules")), dir).toBe(false);

    // Nothing from this checkout: no loader, no NODE_PATH, a folder with no node_modules above it.
    const child = spawn(process.execPath, [BUNDLE_NAME], {
      cwd: runDir,
      env: {
        PATH: process.env.PATH ?? "",
        CARGO_API_URL: api.url,
        CARGO_GATEWAY_ID: api.gatewayId,
        CARGO_GATEWAY_SECRET: api.secret,
        GATEWAY_PORT: "0",
        GATEWAY_TLS_PORT: "0",
        GATEWAY_TLS_CERT: join(runDir, "cert.pem"),
        GATEWAY_TLS_KEY: join(runDir, "key.pem"),
        GATEWAY_ALLOW_LOOPBACK: "true",
        GATEWAY_FLUSH_MS: "600000",
        GATEWAY_SHUTDOWN_GRACE_MS: "100",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const listening = /listening on .*:(\d+) \(TLS on (\d+)\)/;
    while (!listening.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`the bundle exited: ${stderr}`);
      await Promise.race([once(child.stdout, "data"), once(child, "exit")]);
    }
    const [, port, tlsPort] = listening.exec(stdout)!.map(Number) as [number, number, number];

    const auth = await api.proxyAuthorization("s-bundle");
    const response = await proxiedRequest({ port, auth, url: `http://127.0.0.1:${origin.port}/bytes/4321` });
    expect(response.body.length).toBe(4321);

    const tunnel = await openTunnel({ port: tlsPort, ca: first.cert, auth, target: `127.0.0.1:${origin.port}` });
    expect(tunnel.status).toBe(200);
    expect(await presented(tlsPort)).toBe(fingerprint(first.cert));

    writeFileSync(join(runDir, "cert.pem"), second.cert);
    writeFileSync(join(runDir, "key.pem"), second.key);
    child.kill("SIGHUP");
    const ends = Date.now() + 5000;
    while ((await presented(tlsPort)) !== fingerprint(second.cert)) {
      if (Date.now() > ends) throw new Error(`the certificate was not reloaded: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stderr).toContain('"tls_reloaded"');
    expect(child.exitCode).toBeNull();
    // The tunnel opened on the old certificate still carries bytes.
    expect((await httpOverSocket(tunnel.socket, "GET", "/bytes/200000")).body.length).toBe(200_000);
    tunnel.socket.destroy();
    await origin.idle();

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(api.totals("s-bundle")).toEqual({ bytesUp: origin.received, bytesDown: origin.sent });
  } finally {
    await api.close();
    await origin.close();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  }
}, 60_000);
