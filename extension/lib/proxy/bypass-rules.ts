/**
 * The bypass list: hosts whose traffic goes direct even while connected.
 * Written in Chrome's proxy bypass syntax, which Chrome applies itself
 * (`fixed_servers` bypassList) and which `matchesBypass` evaluates the same
 * way for Firefox, where we decide per request in `proxy.onRequest`.
 *
 * Supported rules: `example.com`, `*.example.com`, `.example.com`, an optional
 * `scheme://` prefix and `:port` suffix, IP literals (`[::1]` for IPv6), CIDR
 * blocks (`10.0.0.0/8`, `fc00::/7`), `<local>` (hostnames without a dot) and
 * `<-loopback>` (also send loopback through the tunnel, which Chrome otherwise
 * never does).
 */

/** One rule per line (or comma), trimmed, comments and blanks dropped. */
export function parseBypassList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line.length > 0);
}

/** Rules that are not understood, so the options page can say which line is wrong. */
export function invalidRules(rules: readonly string[]): string[] {
  return rules.filter((rule) => compileRule(rule) === null);
}

/** The API must stay reachable with the tunnel down (to bring it back up), so its host:port is always bypassed. */
export function withApiHost(rules: readonly string[], apiUrl: string): string[] {
  try {
    const url = new URL(apiUrl);
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    const rule = `${url.hostname}:${port}`;
    return rules.includes(rule) ? [...rules] : [...rules, rule];
  } catch {
    return [...rules];
  }
}

type Matcher = (url: URL, host: string, port: number) => boolean;

const LOOPBACK: Matcher = (_url, host) =>
  host === "localhost" || host.endsWith(".localhost") || inCidr(host, "127.0.0.0", 8) || inCidr(host, "::1", 128);

/** Whether a request to `urlText` should go direct under `rules`. */
export function matchesBypass(urlText: string, rules: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port || defaultPort(url.protocol));
  // Chrome never proxies loopback unless told to with <-loopback>; mirror that.
  if (!rules.includes("<-loopback>") && LOOPBACK(url, host, port)) return true;
  return rules.some((rule) => compileRule(rule)?.(url, host, port) ?? false);
}

function defaultPort(protocol: string): number {
  return protocol === "https:" || protocol === "wss:" ? 443 : protocol === "http:" || protocol === "ws:" ? 80 : 0;
}

function compileRule(raw: string): Matcher | null {
  const rule = raw.trim().toLowerCase();
  if (rule === "<-loopback>") return () => false;
  if (rule === "<local>") return (_url, host) => !host.includes(".") && !host.includes(":");
  const cidr = /^\[?([0-9a-f:.]+)\]?\/(\d{1,3})$/.exec(rule);
  if (cidr) {
    const [, base, bits] = cidr;
    const width = base!.includes(":") ? 128 : 32;
    if (parseIp(base!) === null || Number(bits) > width) return null;
    return (_url, host) => inCidr(host, base!, Number(bits));
  }
  const parts = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[0-9a-f:.]+\]|[^:/\s[\]]+)(?::(\d{1,5}))?$/.exec(rule);
  if (!parts) return null;
  const [, scheme, hostPattern, portText] = parts;
  const pattern = hostPattern!.replace(/^\[|\]$/g, "");
  const wanted = portText ? Number(portText) : null;
  const hostMatches = hostMatcher(pattern);
  return (url, host, port) => (!scheme || url.protocol === `${scheme}:`) && (wanted === null || wanted === port) && hostMatches(host);
}

function hostMatcher(pattern: string): (host: string) => boolean {
  if (parseIp(pattern) !== null) {
    const wanted = parseIp(pattern)!;
    return (host) => parseIp(host) === wanted;
  }
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1);
    return (host) => host.endsWith(suffix);
  }
  if (pattern.startsWith(".")) return (host) => host.endsWith(pattern) || host === pattern.slice(1);
  if (pattern.includes("*")) {
    const regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
    return (host) => regex.test(host);
  }
  return (host) => host === pattern;
}

const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function inCidr(host: string, base: string, bits: number): boolean {
  const address = parseIp(host);
  const network = parseIp(base);
  if (address === null || network === null) return false;
  const v6 = base.includes(":");
  if (v6 !== host.includes(":")) return false;
  const width = v6 ? 128n : 32n;
  const shift = width - BigInt(bits);
  return address >> shift === network >> shift;
}

/** An IPv4 or IPv6 literal as a number, or null. */
function parseIp(text: string): bigint | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split(".").map(Number);
    if (octets.some((o) => o > 255)) return null;
    return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  }
  if (!text.includes(":") || !/^[0-9a-f:.]+$/.test(text)) return null;
  let groups: string[];
  if (text.includes("::")) {
    const [head, tail, ...rest] = text.split("::");
    if (rest.length > 0) return null;
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const missing = 8 - h.length - t.length;
    if (missing < 1) return null;
    groups = [...h, ...Array<string>(missing).fill("0"), ...t];
  } else {
    groups = text.split(":");
  }
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
