/**
 * No leak at browser start (Chrome). Chrome does not keep an extension's
 * proxy setting across a restart, and pages can load before our service
 * worker runs. So while the user means to be connected (or auto-connect is
 * on) we keep declarativeNetRequest *dynamic* rules, which the browser
 * applies from its first request: block everything except what the bypass
 * list sends direct anyway, and the API (needed to bring the tunnel back).
 * During a browser session a *session* allow-all rule of higher priority
 * switches the block off; session rules die with the browser, so at the next
 * start the block is in force until the tunnel is back or the user goes
 * direct. See adapters/startup-guard.ts.
 *
 * Rules are regex filters over the URL, built from the same bypass syntax as
 * bypass-rules.ts. IPv6 ranges are matched on the canonical text Chrome puts
 * in URLs (RFC 5952: lower case, no leading zeros); a range whose text form is
 * ambiguous (a zero group inside the prefix, or a short first group) is not
 * expressed and those hosts stay blocked at start-up (held): never a leak.
 */

const ALL_RESOURCE_TYPES = [
  "main_frame",
  "sub_frame",
  "stylesheet",
  "script",
  "image",
  "font",
  "object",
  "xmlhttprequest",
  "ping",
  "csp_report",
  "media",
  "websocket",
  "webtransport",
  "webbundle",
  "other",
] as const;

export interface DnrRule {
  id: number;
  priority: number;
  action: { type: "block" | "allow" };
  condition: { resourceTypes: string[]; regexFilter?: string };
}

export const BLOCK_RULE_ID = 1;
export const RELEASE_RULE_ID = 9000;
const ALLOW_PRIORITY = 2;

const SCHEME = "^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?";
const END = "(?::[0-9]+)?(?:[/?#]|$)";
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Regex for "host is one of these numbers" in one IPv4 octet. */
function octetRange(lo: number, hi: number): string {
  if (lo === 0 && hi === 255) return "[0-9]{1,3}";
  const values: string[] = [];
  for (let v = lo; v <= hi; v++) values.push(String(v));
  return values.length === 1 ? values[0]! : `(?:${values.join("|")})`;
}

function ipv4CidrRegex(base: string, bits: number): string | null {
  const octets = base.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || bits < 0 || bits > 32) return null;
  const parts = octets.map((octet, i) => {
    const bitsHere = Math.max(0, Math.min(8, bits - i * 8));
    const mask = bitsHere === 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
    const lo = octet & mask;
    return octetRange(lo, lo | (~mask & 0xff));
  });
  return `${SCHEME}${parts.join("\\.")}${END}`;
}

/** The eight 16-bit groups of an IPv6 address, or null. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) =>
    part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 ? missing < 1 : missing !== 0) || [...head, ...tail].some(Number.isNaN)) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

/** Regex for the hosts of an IPv6 CIDR range, or null when its URL text is not unambiguous. */
function ipv6CidrRegex(base: string, bits: number): string | null {
  const groups = ipv6Groups(base);
  if (!groups || bits < 1 || bits > 128) return null;
  const full = Math.floor(bits / 16);
  const rest = bits % 16;
  // Whole groups print as themselves only when non-zero (a zero could be folded into "::").
  if (groups.slice(0, full).some((g) => g === 0)) return null;
  const whole = groups
    .slice(0, full)
    .map((g) => g.toString(16))
    .join(":");
  if (rest === 0) return `${SCHEME}\\[${whole}${full === 8 ? "" : ":[0-9a-f:.]*"}\\]${END}`;
  const mask = (0xffff << (16 - rest)) & 0xffff;
  const lo = groups[full]! & mask;
  // Below 0x1000 a group prints with fewer than four digits: not expressed (held).
  if (lo < 0x1000) return null;
  const digits = lo.toString(16);
  const fixed = Math.floor(rest / 4);
  const partialBits = rest % 4;
  let group = digits.slice(0, fixed);
  let free = 4 - fixed;
  if (partialBits > 0) {
    const from = Number.parseInt(digits[fixed]!, 16) & ((0xf << (4 - partialBits)) & 0xf);
    group += `[${Array.from({ length: 1 << (4 - partialBits) }, (_, i) => (from + i).toString(16)).join("")}]`;
    free -= 1;
  }
  if (free > 0) group += `[0-9a-f]{${free}}`;
  return `${SCHEME}\\[${whole}${full > 0 ? ":" : ""}${group}(?::[0-9a-f:.]*)?\\]${END}`;
}

/** Schemes whose default port is this one (a URL then carries no port at all). */
const DEFAULT_PORT_SCHEMES: Record<string, string[]> = { "80": ["http", "ws"], "443": ["https", "wss"] };

/** One bypass rule as URL regexes (none when it cannot be expressed: kept blocked). */
function bypassRuleRegexes(raw: string): string[] {
  const rule = raw.trim().toLowerCase();
  if (rule === "<-loopback>") return [];
  if (rule === "<local>") return [`${SCHEME}[^./:?#\\[\\]]+${END}`];
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(rule);
  if (cidr) {
    const regex = ipv4CidrRegex(cidr[1]!, Number(cidr[2]));
    return regex ? [regex] : [];
  }
  const v6 = /^\[?([0-9a-f:.]+)\]?\/(\d{1,3})$/.exec(rule);
  if (v6) {
    const regex = ipv6CidrRegex(v6[1]!, Number(v6[2]));
    return regex ? [regex] : [];
  }
  const parts = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[0-9a-f:.]+\]|[^:/\s[\]]+)(?::(\d{1,5}))?$/.exec(rule);
  if (!parts) return [];
  const [, scheme, host, port] = parts;
  const userinfo = "(?:[^/?#@]*@)?";
  const schemePart = scheme ? `^${escapeRegex(scheme)}://${userinfo}` : SCHEME;
  let hostPart: string;
  if (host!.startsWith("*.")) hostPart = `[^/?#:]*\\.${escapeRegex(host!.slice(2))}`;
  else if (host!.startsWith(".")) hostPart = `(?:[^/?#:]*\\.)?${escapeRegex(host!.slice(1))}`;
  else hostPart = escapeRegex(host!).replace(/\\\*/g, "[^/?#:]*");
  if (!port) return [`${schemePart}${hostPart}${END}`];
  const regexes = [`${schemePart}${hostPart}:${port}(?:[/?#]|$)`];
  // "host:443" also means https://host/ with the port left implicit.
  const implicit = (Object.hasOwn(DEFAULT_PORT_SCHEMES, port) ? DEFAULT_PORT_SCHEMES[port]! : []).filter((s) => !scheme || s === scheme);
  if (implicit.length > 0) regexes.push(`^(?:${implicit.join("|")})://${userinfo}${hostPart}(?:[/?#]|$)`);
  return regexes;
}

const LOOPBACK = ["localhost", "*.localhost", "127.0.0.0/8", "[::1]"];

/** The dynamic rules to keep while a browser start must hold traffic. */
export function startupBlockRules(bypass: readonly string[], apiUrl: string): DnrRule[] {
  const rules: DnrRule[] = [
    { id: BLOCK_RULE_ID, priority: 1, action: { type: "block" }, condition: { resourceTypes: [...ALL_RESOURCE_TYPES] } },
  ];
  const allowed = [...bypass, ...(bypass.includes("<-loopback>") ? [] : LOOPBACK)];
  try {
    const api = new URL(apiUrl);
    allowed.push(`${api.hostname}:${api.port || (api.protocol === "https:" ? "443" : "80")}`);
  } catch {
    // An invalid API URL cannot be reached anyway.
  }
  let id = BLOCK_RULE_ID + 1;
  for (const regex of new Set(allowed.flatMap(bypassRuleRegexes))) {
    rules.push({
      id: id++,
      priority: ALLOW_PRIORITY,
      action: { type: "allow" },
      condition: { resourceTypes: [...ALL_RESOURCE_TYPES], regexFilter: regex },
    });
  }
  return rules;
}

/** The session rule that lifts the block for the rest of this browser session. */
export const RELEASE_RULE: DnrRule = {
  id: RELEASE_RULE_ID,
  priority: 100,
  action: { type: "allow" },
  condition: { resourceTypes: [...ALL_RESOURCE_TYPES] },
};
