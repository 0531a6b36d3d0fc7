/**
 * The gateway's TLS listener (the encrypted browser→gateway hop): an
 * https.Server whose certificate can be swapped while it runs, for ACME
 * renewals, without touching connections already open.
 *
 *   const listener = createTlsListener(serverOptions, config.tls, logger);
 *   proxy.attach(listener.server);
 *   listener.reload();                  // SIGHUP: read certPath/keyPath again
 *   listener.reload({ cert, key });     // or give the PEMs directly
 *
 * A reload builds the new context first and only then swaps it in, so a
 * half-written or mismatched pair is refused and the old certificate stays.
 * Only handshakes that start after the swap see the new certificate.
 *
 * Sessions resume: the server issues session tickets (TLS 1.3 PSK, TLS 1.2
 * tickets), so a browser that reconnects skips the certificate signature and
 * most of the handshake. The ticket keys survive a reload, so a renewal does
 * not force every browser back to a full handshake. `tls.ticketKeys` (48
 * bytes) lets several processes share keys so a ticket from one works on all.
 * Keys the listener made itself are replaced every `tls.ticketKeyRotationMs`
 * (default 12 h), so a key taken from memory opens at most that window's
 * tickets; shared keys are left to whoever shares them — in a cluster the
 * primary (cluster-primary.ts), which hands them to every worker and rotates
 * them, the worker applying each new set with `setTicketKeys`.
 *
 * `addServer` opens another server on the same certificate and ticket keys
 * (the http/1.1-only port, `tls.http1Port`): every reload and ticket key
 * change applies to all of them, so a ticket from one resumes on the other.
 *
 * Node holds ONE ticket key set per server (name, HMAC and AES key, 48
 * bytes): there is no slot for the previous set, so a rotation makes every
 * ticket issued before it fail once and that browser does one full handshake,
 * then resumes again with a ticket under the new keys.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import type tls from "node:tls";
import { TICKET_KEY_ROTATION_MS, type TlsInput } from "../gateway-settings";
import { errorClass, type Logger } from "../logger";
import { keyMatchesCertificate } from "./tls-certificate";

/** How long a session ticket is good for: a browser back within the hour resumes. */
const TLS_SESSION_TIMEOUT_SEC = 3600;
/** Size of one ticket key set, what `server.setTicketKeys()` takes: 16 bytes key name, 16 HMAC key, 16 AES key. */
export const TICKET_KEYS_BYTES = 48;

/** A fresh random ticket key set. */
export const newTicketKeys = (): Buffer => randomBytes(TICKET_KEYS_BYTES);

// AES-128-GCM first: what Chrome and Firefox ask for first anyway, and about
// 12% less CPU per byte than AES-256-GCM (OpenSSL's own first choice, which
// curl and other OpenSSL clients would otherwise get).
const TLS13_ORDER = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];

// TLS 1.2: Mozilla's "intermediate" profile without finite-field DHE — ECDHE
// key exchange (forward secrecy) with an AEAD (AES-GCM, ChaCha20-Poly1305)
// only. Node's DEFAULT_CIPHERS ends in HIGH, which also lets in static-RSA key
// exchange, CBC, ARIA and CCM suites (tls-ciphers.test.ts checks from outside).
const TLS12_SUITES = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

// The same for the first context and every reloaded one.
const PROTOCOL: tls.SecureContextOptions = {
  minVersion: "TLSv1.2",
  ciphers: [...TLS13_ORDER, ...TLS12_SUITES].join(":"),
  honorCipherOrder: true,
};

export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface TlsListener {
  server: https.Server;
  /** Another server on this certificate and these ticket keys, with its own options (e.g. other ALPN); reloads and key changes apply to it too. */
  addServer(serverOptions: https.ServerOptions): https.Server;
  /**
   * Swaps the certificate for new handshakes: the given PEMs, or the files
   * named by `tls.certPath`/`tls.keyPath` read again. False (old certificate
   * kept, reason logged) when they cannot be read or do not form a pair.
   */
  reload(material?: TlsMaterial): boolean;
  /** Replaces the session ticket keys with random ones: tickets issued before stop resuming. */
  rotateTicketKeys(): void;
  /** Replaces the session ticket keys with the given 48 bytes (shared keys, e.g. a cluster primary's). */
  setTicketKeys(keys: Buffer): void;
}

export function createTlsListener(serverOptions: https.ServerOptions, input: TlsInput, logger: Logger): TlsListener {
  // What a server added later starts with: the newest pair a reload took.
  let current: TlsMaterial = { cert: input.cert, key: input.key };
  const servers: https.Server[] = [];
  const createServer = (options: https.ServerOptions, ticketKeys: Buffer | undefined) => {
    const created = https.createServer({
      ...options,
      ...PROTOCOL,
      ...current,
      sessionTimeout: TLS_SESSION_TIMEOUT_SEC,
      ...(ticketKeys ? { ticketKeys } : {}),
    });
    servers.push(created);
    return created;
  };
  const server = createServer(serverOptions, input.ticketKeys);
  const addServer = (options: https.ServerOptions) => createServer(options, server.getTicketKeys());

  const readFiles = (): TlsMaterial => {
    if (!input.certPath || !input.keyPath) throw Object.assign(new Error("no certificate files configured"), { code: "ENOFILES" });
    return { cert: readFileSync(input.certPath), key: readFileSync(input.keyPath) };
  };

  const reload = (material?: TlsMaterial): boolean => {
    try {
      const next = material ?? readFiles();
      // OpenSSL would load an ECDSA certificate with an RSA key (separate slots) and then fail every handshake.
      if (!keyMatchesCertificate(next.cert, next.key)) throw Object.assign(new Error("key mismatch"), { code: "ERR_TLS_KEY_MISMATCH" });
      // One context per reload: setSecureContext builds it and swaps it in only once it is built, so an
      // unreadable or mismatched pair throws with the old context still serving (no separate trial build).
      // The first server fails before any is changed: every server gets the same inputs.
      for (const each of servers) {
        each.setSecureContext({
          ...PROTOCOL,
          ...next,
          sessionTimeout: TLS_SESSION_TIMEOUT_SEC,
          ticketKeys: each.getTicketKeys(),
        });
      }
      current = { cert: next.cert, key: next.key };
      logger.info("tls_reloaded");
      return true;
    } catch (error) {
      logger.error("tls_reload_failed", { error: errorClass(error) });
      return false;
    }
  };

  const setTicketKeys = (keys: Buffer) => {
    if (keys.length !== TICKET_KEYS_BYTES) throw new RangeError(`ticket keys must be ${TICKET_KEYS_BYTES} bytes`);
    for (const each of servers) each.setTicketKeys(keys);
  };
  const rotateTicketKeys = () => setTicketKeys(newTicketKeys());
  if (!input.ticketKeys) {
    const rotation = setInterval(rotateTicketKeys, input.ticketKeyRotationMs ?? TICKET_KEY_ROTATION_MS);
    rotation.unref();
    server.once("close", () => clearInterval(rotation));
  }

  return { server, addServer, reload, rotateTicketKeys, setTicketKeys };
}
