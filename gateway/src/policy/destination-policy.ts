/**
 * Which destinations the gateway may connect to, decided on the IP address it
 * is about to dial — never on the name the browser asked for — so a name that
 * resolves (or re-resolves) to an internal address cannot get through.
 *
 *   const policy = new DestinationPolicy({ allowLoopback: false });
 *   const target = await resolveDestination("example.com", policy);
 *   if (target.kind === "allowed") net.connect({ host: target.address, port });
 *
 * Addresses that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged
 * by the IPv4 address inside them, because that is where packets end up.
 */
import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup } from "node:dns/promises";

export type DestinationClass = "metadata" | "unspecified" | "loopback" | "private" | "cgnat" | "link-local" | "multicast" | "reserved";

// Order matters: the first class that matches names the refusal, so the
// metadata endpoints (which sit inside link-local, CGNAT or ULA space) come first.
const RANGES: ReadonlyArray<[DestinationClass, ReadonlyArray<string>]> = [
  [
    "metadata",
    [
      "169.254.169.254/32", // AWS, GCP, Azure, OpenStack instance metadata
      "169.254.170.2/32", // AWS ECS task metadata
      "100.100.100.200/32", // Alibaba Cloud
      "192.0.0.192/32", // Oracle Cloud
      "168.63.129.16/32", // Azure wire server (a public address, so it needs naming)
      "fd00:ec2::254/128", // AWS IPv6 instance metadata
    ],
  ],
  ["unspecified", ["0.0.0.0/8", "::/128"]],
  ["loopback", ["127.0.0.0/8", "::1/128"]],
  ["private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"]],
  ["cgnat", ["100.64.0.0/10"]],
  ["link-local", ["169.254.0.0/16", "fe80::/10"]],
  ["multicast", ["224.0.0.0/4", "ff00::/8"]],
  [
    "reserved",
    [
      "192.0.0.0/24",
      "192.0.2.0/24",
      "192.88.99.0/24",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "240.0.0.0/4",
      "::/96", // deprecated IPv4-compatible addresses
      "64:ff9b:1::/48",
      "100::/64",
      "2001::/23",
      "2001:db8::/32",
      "3fff::/20",
    ],
  ],
];

const LISTS: ReadonlyArray<[DestinationClass, BlockList]> = RANGES.map(([cls, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split("/") as [string, string];
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? "ipv6" : "ipv4");
  }
  return [cls, list];
});

/** The 16 bytes of an IPv6 address (already validated by isIP). */
function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const bytes = new Uint8Array(16);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = `${text.slice(0, -dotted[1]!.length)}0:0`;
  }
  const [head = "", rest] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((h) => parseInt(h, 16)));
  const front = parse(head);
  const back = rest === undefined ? [] : parse(rest);
  const groups = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  if (tail.length) groups.splice(6, 2, ...tail);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

const v4 = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The IPv4 address an IPv6 address delivers to, for the translation schemes that embed one. */
export function embeddedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(b, 12);
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(b, 12);
  // 2002:aabb:ccdd::/48 (6to4)
  if (b[0] === 0x20 && b[1] === 0x02) return v4(b, 2);
  return null;
}

/** The class of a non-public address, or null when the address is publicly routable. */
export function classifyAddress(address: string): DestinationClass | null {
  if (address.includes("%")) return "link-local"; // a zone id only makes sense on a local link
  const family = isIP(address);
  if (family === 0) return "reserved";
  if (family === 6) {
    const inner = embeddedIpv4(address);
    if (inner !== null) return classifyAddress(inner);
  }
  const type = family === 6 ? "ipv6" : "ipv4";
  for (const [cls, list] of LISTS) if (list.check(address, type)) return cls;
  return null;
}

export class DestinationPolicy {
  constructor(private readonly options: { allowLoopback: boolean }) {}

  /** Null when the gateway may connect to `address`, otherwise the class that forbids it. */
  refusal(address: string): DestinationClass | null {
    const cls = classifyAddress(address);
    if (cls === "loopback" && this.options.allowLoopback) return null;
    return cls;
  }
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export type Destination =
  | { kind: "allowed"; address: string; family: 4 | 6 }
  | { kind: "refused"; class: DestinationClass }
  | { kind: "unresolvable" };

/**
 * Resolves `hostname` once and picks the first address the policy allows; the
 * caller must connect to exactly that address.
 */
export async function resolveDestination(
  hostname: string,
  policy: DestinationPolicy,
  resolve: Resolver = systemResolver,
): Promise<Destination> {
  const literal = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  let candidates: Array<{ address: string; family: number }>;
  if (isIP(literal)) {
    candidates = [{ address: literal, family: isIP(literal) }];
  } else {
    try {
      candidates = await resolve(literal);
    } catch {
      return { kind: "unresolvable" };
    }
  }
  let firstRefusal: DestinationClass | null = null;
  for (const { address, family } of candidates) {
    const refusal = policy.refusal(address);
    if (refusal === null) return { kind: "allowed", address, family: family === 6 ? 6 : 4 };
    firstRefusal ??= refusal;
  }
  return firstRefusal === null ? { kind: "unresolvable" } : { kind: "refused", class: firstRefusal };
}
