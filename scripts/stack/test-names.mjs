/**
 * Preloaded (`node --import`) into a local gateway process started for tests:
 * names under the reserved `.test` top-level domain (RFC 2606, never in real
 * DNS) resolve to 127.0.0.1, so browser tests can load distinct sites
 * (`site-a.test:<port>`, `site-b.test:<port>`) served on loopback. Nothing
 * else changes; only the stack loads it, and only with `resolveTestNames`.
 */
import dns from "node:dns";
import { syncBuiltinESMExports } from "node:module";

const loopback = (hostname) => /\.test\.?$/i.test(hostname);
const lookup = dns.promises.lookup;
dns.promises.lookup = (hostname, options) =>
  loopback(hostname)
    ? Promise.resolve(options?.all ? [{ address: "127.0.0.1", family: 4 }] : { address: "127.0.0.1", family: 4 })
    : lookup(hostname, options);
syncBuiltinESMExports();
