/**
 * A throwaway self-signed certificate for 127.0.0.1, made with the system's
 * openssl (present on every machine the project runs on; no extra package).
 * ECDSA P-256 (what the gateway's README advises) unless `{ keyType: "rsa" }`
 * asks for RSA 2048, for tests of what an RSA certificate would allow.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function selfSignedCert(options: { keyType?: "ec" | "rsa" } = {}): { cert: string; key: string } {
  const keyArgs = options.keyType === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
  const dir = mkdtempSync(join(tmpdir(), "cargo-gw-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        ...keyArgs,
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
