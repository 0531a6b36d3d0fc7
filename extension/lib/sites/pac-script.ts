/**
 * Chrome's per-site routing: a PAC script (`proxy.settings` mode
 * `pac_script`) that sends each rule's site to its own gateway, the bypass
 * list direct, and everything else to the main location. Chrome takes a PAC
 * script only when some rule is active; otherwise the plain `fixed_servers`
 * value stays (proxy-config.ts).
 *
 * Fail-closed like the rest: no answer ever ends in `; DIRECT`. A rule whose
 * location has no session yet is sent to the hold address, not to the main
 * location and never direct, because "always use <location>" must not leak
 * the site elsewhere meanwhile.
 *
 * The bypass list is evaluated in the script: host names and patterns,
 * `host:port`, `scheme://`, `<local>` and IPv4 CIDR blocks. Chrome itself
 * never asks a PAC script about loopback (its implicit rules send it direct).
 * An IPv6 CIDR rule matches nothing here, so such traffic is tunnelled, not
 * leaked.
 */
import { HOLD_PROXY } from "../config";
import type { ProxyTarget } from "../proxy/proxy-target";

export interface SiteRoute {
  site: string;
  /** The gateway of the rule's session, or null: hold (the session is not up). */
  proxy: ProxyTarget | null;
}

interface BypassEntry {
  scheme: string | null;
  port: number | null;
  kind: "local" | "exact" | "suffix" | "glob" | "cidr4";
  value: string;
  bits?: number;
}

const pacProxy = (target: Pick<ProxyTarget, "scheme" | "host" | "port">) =>
  `${target.scheme === "https" ? "HTTPS" : "PROXY"} ${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;

function bypassEntry(raw: string): BypassEntry | null {
  const rule = raw.trim().toLowerCase();
  if (rule === "<local>") return { scheme: null, port: null, kind: "local", value: "" };
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(rule);
  if (cidr) return { scheme: null, port: null, kind: "cidr4", value: cidr[1]!, bits: Number(cidr[2]) };
  const parts = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[0-9a-f:.]+\]|[^:/\s[\]]+)(?::(\d{1,5}))?$/.exec(rule);
  if (!parts) return null;
  const [, scheme, hostPattern, port] = parts;
  const host = hostPattern!.replace(/^\[|\]$/g, "");
  const base = { scheme: scheme ?? null, port: port ? Number(port) : null };
  if (host.startsWith("*.")) return { ...base, kind: "suffix", value: host.slice(1) };
  if (host.startsWith(".")) return { ...base, kind: "suffix", value: host };
  if (host.includes("*")) return { ...base, kind: "glob", value: host };
  return { ...base, kind: "exact", value: host };
}

function netmask(bits: number): string {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join(".");
}

/**
 * The PAC script's text. `main` is the main location's gateway (null: hold everything, e.g. while
 * reconnecting); `sites` are most specific first or not, the script picks the longest match.
 */
export function pacScript(main: ProxyTarget | null, sites: readonly SiteRoute[], bypass: readonly string[]): string {
  const hold = pacProxy(HOLD_PROXY);
  const routes = [...sites].sort((a, b) => b.site.length - a.site.length).map((s) => [s.site, main && s.proxy ? pacProxy(s.proxy) : hold]);
  const entries = bypass
    .map(bypassEntry)
    .filter((e): e is BypassEntry => e !== null)
    .map((e) => (e.kind === "cidr4" ? { ...e, mask: netmask(e.bits!) } : e));
  return `var SITES = ${JSON.stringify(routes)};
var BYPASS = ${JSON.stringify(entries)};
var MAIN = ${JSON.stringify(main ? pacProxy(main) : hold)};
function bypassed(url, host) {
  var scheme = url.substring(0, url.indexOf(":"));
  var m = /^[a-z]+:\\/\\/(?:[^@\\/]*@)?(?:\\[[^\\]]*\\]|[^:\\/]*)(?::(\\d+))?/i.exec(url);
  var port = m && m[1] ? Number(m[1]) : (scheme === "https" || scheme === "wss" ? 443 : 80);
  for (var i = 0; i < BYPASS.length; i++) {
    var e = BYPASS[i];
    if (e.scheme !== null && e.scheme !== scheme) continue;
    if (e.port !== null && e.port !== port) continue;
    if (e.kind === "local" && host.indexOf(".") < 0 && host.indexOf(":") < 0) return true;
    if (e.kind === "exact" && host === e.value) return true;
    if (e.kind === "suffix" && (host.length > e.value.length && host.substring(host.length - e.value.length) === e.value || "." + host === e.value)) return true;
    if (e.kind === "glob" && shExpMatch(host, e.value)) return true;
    if (e.kind === "cidr4" && /^\\d+\\.\\d+\\.\\d+\\.\\d+$/.test(host) && isInNet(host, e.value, e.mask)) return true;
  }
  return false;
}
function FindProxyForURL(url, host) {
  host = host.toLowerCase().replace(/^\\[|\\]$/g, "");
  if (bypassed(url, host)) return "DIRECT";
  for (var i = 0; i < SITES.length; i++) {
    var site = SITES[i][0];
    if (host === site || (host.length > site.length && host.substring(host.length - site.length - 1) === "." + site)) return SITES[i][1];
  }
  return MAIN;
}
`;
}
