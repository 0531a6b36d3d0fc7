/**
 * What the gateway says about its TLS certificate's key at start: an RSA key
 * costs the gateway about twice the CPU of an ECDSA P-256 one per full
 * handshake (`npm run bench -- gateway-tls`), so an RSA certificate is
 * logged as `tls_certificate_rsa` with the advice to use ECDSA P-256
 * (gateway/README.md, "Which certificate"). Nothing else changes: RSA works.
 *
 *   const kind = certificateKeyKind(pem);   // "ecdsa-p256" | "ecdsa-other" | "rsa" | "other" | "unreadable"
 *   keyMatchesCertificate(certPem, keyPem); // false for a key that is not the certificate's
 *
 * The second check is needed because OpenSSL keeps an RSA and an ECDSA
 * certificate/key slot side by side: an ECDSA certificate with an RSA key
 * (a renewal that switches key type, caught between its two file moves)
 * loads without error, and then every handshake fails.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";

export type CertificateKeyKind = "ecdsa-p256" | "ecdsa-other" | "rsa" | "other" | "unreadable";

/** The key type of the first certificate of a PEM chain. */
export function certificateKeyKind(pem: string | Buffer): CertificateKeyKind {
  let key: X509Certificate["publicKey"];
  try {
    key = new X509Certificate(pem).publicKey;
  } catch {
    return "unreadable";
  }
  if (key.asymmetricKeyType === "ec") return key.asymmetricKeyDetails?.namedCurve === "prime256v1" ? "ecdsa-p256" : "ecdsa-other";
  if (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") return "rsa";
  return "other";
}

/** True when `key` is the private key of the first certificate in `cert`; false when either cannot be read. */
export function keyMatchesCertificate(cert: string | Buffer, key: string | Buffer): boolean {
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}
