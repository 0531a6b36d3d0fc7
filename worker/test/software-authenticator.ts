/**
 * A WebAuthn authenticator made in software for the worker tests: it makes
 * ES256 (P-256) or RS256 (RSA-2048) credentials with WebCrypto, answers
 * "none" attestation, and signs assertions with a counter it moves forward,
 * exactly as a browser would hand them to the page. The Chromium e2e uses a
 * CDP virtual authenticator instead; this one exists for RS256 and for
 * assertions the tests bend (replays, old counters, other origins).
 */
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

export type Algorithm = "ES256" | "RS256";

const enc = new TextEncoder();
const b64 = (bytes: Uint8Array | ArrayBuffer) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(data)));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

/** WebAuthn wants ES256 signatures in ASN.1 DER; WebCrypto gives r‖s. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    let v = x.subarray(i);
    if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.subarray(0, 32)), int(raw.subarray(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export interface SoftwareCredential {
  id: string;
  algorithm: Algorithm;
  rpId: string;
  counter: number;
  keys: CryptoKeyPair;
}

interface Options {
  challenge: string;
  rp?: { id?: string };
  rpId?: string;
}

export async function createCredential(options: Options, origin: string, algorithm: Algorithm = "ES256") {
  const rpId = options.rp?.id ?? new URL(origin).hostname;
  const keys = (await crypto.subtle.generateKey(
    algorithm === "ES256"
      ? { name: "ECDSA", namedCurve: "P-256" }
      : { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
  const cose =
    algorithm === "ES256"
      ? new Map<number, number | Uint8Array>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, isoBase64URL.toBuffer(jwk.x!)],
          [-3, isoBase64URL.toBuffer(jwk.y!)],
        ])
      : new Map<number, number | Uint8Array>([
          [1, 3],
          [3, -257],
          [-1, isoBase64URL.toBuffer(jwk.n!)],
          [-2, isoBase64URL.toBuffer(jwk.e!)],
        ]);
  const rawId = crypto.getRandomValues(new Uint8Array(16));
  const authData = concat(
    await sha256(enc.encode(rpId)),
    new Uint8Array([0x45]), // user present, user verified, attested credential data
    u32(0),
    new Uint8Array(16), // AAGUID: none
    new Uint8Array([0, rawId.length]),
    rawId,
    isoCBOR.encode(cose),
  );
  const clientDataJSON = enc.encode(JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin, crossOrigin: false }));
  const attestationObject = isoCBOR.encode(
    new Map<string, unknown>([
      ["fmt", "none"],
      ["attStmt", new Map()],
      ["authData", authData],
    ]) as never,
  );
  const credential: SoftwareCredential = { id: b64(rawId), algorithm, rpId, counter: 0, keys };
  const response = {
    id: credential.id,
    rawId: credential.id,
    type: "public-key" as const,
    response: { clientDataJSON: b64(clientDataJSON), attestationObject: b64(attestationObject), transports: ["internal"] },
    clientExtensionResults: {},
  };
  return { credential, response };
}

/** An assertion for `options`; the counter moves on by one unless `counter` is given. */
export async function assert(credential: SoftwareCredential, options: Options, origin: string, counter = credential.counter + 1) {
  credential.counter = Math.max(credential.counter, counter);
  const authenticatorData = concat(await sha256(enc.encode(credential.rpId)), new Uint8Array([0x05]), u32(counter));
  const clientDataJSON = enc.encode(JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin, crossOrigin: false }));
  const signed = concat(authenticatorData, await sha256(clientDataJSON));
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      credential.algorithm === "ES256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" },
      credential.keys.privateKey,
      signed,
    ),
  );
  return {
    id: credential.id,
    rawId: credential.id,
    type: "public-key" as const,
    response: {
      clientDataJSON: b64(clientDataJSON),
      authenticatorData: b64(authenticatorData),
      signature: b64(credential.algorithm === "ES256" ? derSignature(raw) : raw),
    },
    clientExtensionResults: {},
  };
}
