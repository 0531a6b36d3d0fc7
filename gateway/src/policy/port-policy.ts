/**
 * Which destination ports the gateway's exit reaches: 80 and 443, plus the
 * operator's list (`GATEWAY_ALLOWED_PORTS`, e.g. "8080,8443,9000-9100").
 * Everything else — ssh, databases, mail — is refused, so the gateway is a
 * browser's way to the web and not a general-purpose exit.
 *
 *   const ports = new PortPolicy({ allowed: parsePortList("8080,8443"), allowLoopback: false });
 *   if (!ports.mayTry(port)) refuse403();                 // before resolving the name
 *   if (!ports.allows(port, address)) refuse403();        // on the address about to be dialled
 *
 * Mail ports (25, 465, 587) are never allowed, whatever the list says: an
 * exit that relays mail is an exit that gets blocklisted for spam. Listing
 * one on its own is a configuration error; a range across them skips them.
 *
 * With `allowLoopback` (tests and local development) any other port on a
 * loopback address is allowed too, because the local stack and the tests
 * serve their sites on random high ports of this machine.
 */
import { classifyAddress } from "./destination-policy";

const ALWAYS_ALLOWED_PORTS: readonly number[] = [80, 443];
const MAIL_PORTS: readonly number[] = [25, 465, 587];

export type PortRange = readonly [first: number, last: number];

/** The list is malformed or names a mail port on its own; the message says which entry. */
export class PortListError extends Error {
  override name = "PortListError";
}

function port(text: string, entry: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new PortListError(`"${entry}" is not a port or a range of ports`);
  const value = Number(text);
  if (value < 1 || value > 65535) throw new PortListError(`"${entry}": ports run from 1 to 65535`);
  return value;
}

/** Parses "8080, 8443, 9000-9100" (commas and/or spaces between entries; "" is no extra port). */
export function parsePortList(text: string): PortRange[] {
  const ranges: PortRange[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const [first, last, extra] = entry.split("-");
    if (extra !== undefined || first === undefined) throw new PortListError(`"${entry}" is not a port or a range of ports`);
    const from = port(first, entry);
    const to = last === undefined ? from : port(last, entry);
    if (to < from) throw new PortListError(`"${entry}": a range runs from the lower port to the higher`);
    if (from === to && MAIL_PORTS.includes(from)) {
      throw new PortListError(`${from} is a mail port; the gateway never connects to ${MAIL_PORTS.join(", ")}`);
    }
    ranges.push([from, to]);
  }
  return ranges;
}

export class PortPolicy {
  private readonly allowed: readonly PortRange[];

  constructor(private readonly options: { allowed: readonly PortRange[]; allowLoopback: boolean }) {
    this.allowed = options.allowed;
  }

  /** Whether `port` is allowed to public destinations. */
  allowsPublic(port: number): boolean {
    if (MAIL_PORTS.includes(port)) return false;
    if (ALWAYS_ALLOWED_PORTS.includes(port)) return true;
    return this.allowed.some(([first, last]) => port >= first && port <= last);
  }

  /** False when no destination at all may be reached on `port`: refuse before resolving. */
  mayTry(port: number): boolean {
    return this.allowsPublic(port) || (this.options.allowLoopback && !MAIL_PORTS.includes(port));
  }

  /** Whether the gateway may dial `address` (already allowed by the destination policy) on `port`. */
  allows(port: number, address: string): boolean {
    if (this.allowsPublic(port)) return true;
    return this.options.allowLoopback && !MAIL_PORTS.includes(port) && classifyAddress(address) === "loopback";
  }
}
