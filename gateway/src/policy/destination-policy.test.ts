import { describe, expect, it } from "vitest";
import { classifyAddress, DestinationPolicy, embeddedIpv4, resolveDestination, type Resolver } from "./destination-policy";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456:789a::1", "private"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["169.254.169.254", "metadata"],
    ["169.254.170.2", "metadata"],
    ["100.100.100.200", "metadata"],
    ["168.63.129.16", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["224.0.0.251", "multicast"],
    ["ff02::1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.1.1.1", "private"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::1", "loopback"],
    ["2002:c0a8:0101::1", "private"],
    ["::127.0.0.1", "reserved"],
    ["not-an-ip", "reserved"],
  ])("%s is %s", (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    "93.184.215.14",
    "1.1.1.1",
    "8.8.8.8",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "::ffff:1.1.1.1",
    "64:ff9b::8.8.8.8",
  ])("%s is public", (address) => expect(classifyAddress(address)).toBeNull());

  it("reads the IPv4 address inside mapped, NAT64 and 6to4 addresses", () => {
    expect(embeddedIpv4("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(embeddedIpv4("64:ff9b::c000:201")).toBe("192.0.2.1");
    expect(embeddedIpv4("2002:c000:0201::")).toBe("192.0.2.1");
    expect(embeddedIpv4("2606:4700::1")).toBeNull();
  });
});

describe("DestinationPolicy", () => {
  it("lets loopback through only when configured to, and nothing else private", () => {
    const strict = new DestinationPolicy({ allowLoopback: false });
    const testing = new DestinationPolicy({ allowLoopback: true });
    expect(strict.refusal("127.0.0.1")).toBe("loopback");
    expect(testing.refusal("127.0.0.1")).toBeNull();
    expect(testing.refusal("::ffff:127.0.0.1")).toBeNull();
    expect(testing.refusal("::1")).toBeNull();
    expect(testing.refusal("10.0.0.1")).toBe("private");
    expect(testing.refusal("169.254.169.254")).toBe("metadata");
  });
});

describe("resolveDestination", () => {
  const policy = new DestinationPolicy({ allowLoopback: false });
  const resolver =
    (table: Record<string, string[]>): Resolver =>
    async (name) => {
      const addresses = table[name];
      if (!addresses) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
      return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    };

  it("refuses a public-looking name that resolves to a private address", async () => {
    const result = await resolveDestination("innocent.example", policy, resolver({ "innocent.example": ["10.9.8.7"] }));
    expect(result).toEqual({ kind: "refused", class: "private" });
  });

  it("connects to the first allowed address, which is the one it checked", async () => {
    const result = await resolveDestination(
      "mixed.example",
      policy,
      resolver({ "mixed.example": ["127.0.0.1", "2606:4700::1", "1.1.1.1"] }),
    );
    expect(result).toEqual({ kind: "allowed", address: "2606:4700::1", family: 6 });
  });

  it("takes IP literals (bracketed IPv6 too) without resolving them", async () => {
    const never: Resolver = async () => {
      throw new Error("must not resolve");
    };
    expect(await resolveDestination("[::ffff:127.0.0.1]", policy, never)).toEqual({ kind: "refused", class: "loopback" });
    expect(await resolveDestination("1.1.1.1", policy, never)).toEqual({ kind: "allowed", address: "1.1.1.1", family: 4 });
  });

  it("reports names that do not resolve", async () => {
    expect(await resolveDestination("nowhere.example", policy, resolver({}))).toEqual({ kind: "unresolvable" });
    expect(await resolveDestination("empty.example", policy, resolver({ "empty.example": [] }))).toEqual({
      kind: "unresolvable",
    });
  });
});
