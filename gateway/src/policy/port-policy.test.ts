/**
 * The exit's port policy: the list syntax, the decisions, and the gateway
 * refusing CONNECT and absolute-URI requests to other ports with 403 before
 * it resolves or dials anything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, configFromEnv } from "../gateway-settings";
import type { Resolver } from "./destination-policy";
import { startGateway, type RunningGateway } from "../gateway";
import { memoryLogger } from "../logger";
import { parsePortList, PortListError, PortPolicy } from "./port-policy";
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";

describe("parsePortList", () => {
  it("reads ports and ranges separated by commas or spaces", () => {
    expect(parsePortList("")).toEqual([]);
    expect(parsePortList("8080,8443")).toEqual([
      [8080, 8080],
      [8443, 8443],
    ]);
    expect(parsePortList(" 8080 , 9000-9100  3000")).toEqual([
      [8080, 8080],
      [9000, 9100],
      [3000, 3000],
    ]);
  });

  it("refuses malformed entries and a mail port on its own", () => {
    for (const bad of ["http", "0", "65536", "80-", "-80", "9100-9000", "1-2-3", "8080;8443", "25", "8080,465", "587"]) {
      expect(() => parsePortList(bad), bad).toThrow(PortListError);
    }
  });

  it("is read from GATEWAY_ALLOWED_PORTS and a bad list stops the gateway at start", () => {
    const env = { CARGO_API_URL: "http://127.0.0.1:1", CARGO_GATEWAY_ID: "g", CARGO_GATEWAY_SECRET: "s" };
    expect(configFromEnv({ ...env, GATEWAY_ALLOWED_PORTS: "8080, 9000-9100" }).allowedPorts).toBe("8080, 9000-9100");
    expect(configFromEnv(env).allowedPorts).toBe("");
    expect(() => configFromEnv({ ...env, GATEWAY_ALLOWED_PORTS: "25" })).toThrow(ConfigError);
    expect(() => configFromEnv({ ...env, GATEWAY_ALLOWED_PORTS: "ssh" })).toThrow(/allowedPorts/);
  });
});

describe("PortPolicy", () => {
  const publicAddress = "93.184.215.14";

  it("allows 80 and 443 and the listed ports, never mail ports, nothing else", () => {
    const policy = new PortPolicy({ allowed: parsePortList("8080,1-1000"), allowLoopback: false });
    for (const port of [80, 443, 8080, 22, 1000]) expect(policy.allows(port, publicAddress), String(port)).toBe(true);
    for (const port of [25, 465, 587, 1001, 6379, 8443]) expect(policy.allows(port, publicAddress), String(port)).toBe(false);
    const plain = new PortPolicy({ allowed: [], allowLoopback: false });
    for (const port of [22, 25, 3306, 5432, 6379, 8080, 11211]) {
      expect(plain.mayTry(port), String(port)).toBe(false);
      expect(plain.allows(port, publicAddress), String(port)).toBe(false);
    }
    expect(plain.allows(443, publicAddress)).toBe(true);
  });

  it("with allowLoopback allows any other port on loopback addresses only", () => {
    const policy = new PortPolicy({ allowed: [], allowLoopback: true });
    expect(policy.mayTry(45678)).toBe(true);
    expect(policy.allows(45678, "127.0.0.1")).toBe(true);
    expect(policy.allows(45678, "::1")).toBe(true);
    expect(policy.allows(45678, publicAddress)).toBe(false);
    expect(policy.mayTry(25)).toBe(false);
    expect(policy.allows(25, "127.0.0.1")).toBe(false);
    expect(new PortPolicy({ allowed: [], allowLoopback: false }).allows(45678, "127.0.0.1")).toBe(false);
  });
});

describe("the gateway's exit ports", () => {
  let api: FakeApi;
  let origin: Origin;
  const lookups: string[] = [];
  // site.test is public; reserved.test is in TEST-NET-1, so a request the port policy lets
  // through is stopped by the address policy instead (and its log line says which) without
  // the test ever dialling out.
  const resolver: Resolver = async (name) => {
    lookups.push(name);
    return [{ address: name === "reserved.test" ? "192.0.2.10" : "93.184.215.14", family: 4 }];
  };

  beforeAll(async () => {
    api = await startFakeApi();
    origin = await startOrigin();
  });
  afterAll(async () => {
    await api.close();
    await origin.close();
  });

  async function gatewayWith(options: {
    allowedPorts?: string;
    allowLoopback: boolean;
  }): Promise<{ gateway: RunningGateway; lines: string[] }> {
    const { logger, lines } = memoryLogger();
    const gateway = await startGateway({
      apiUrl: api.url,
      gatewayId: api.gatewayId,
      gatewaySecret: api.secret,
      port: 0,
      flushIntervalMs: 3_600_000,
      heartbeatIntervalMs: 3_600_000,
      shutdownGraceMs: 0,
      connectTimeoutMs: 300,
      resolver,
      logger,
      ...options,
    });
    return { gateway, lines };
  }

  const reasons = (lines: string[]) => lines.map((line) => JSON.parse(line) as { event: string; reason?: string; error?: string });

  it("refuses ports outside the list with 403 and a destination_port log line, before resolving", async () => {
    const { gateway, lines } = await gatewayWith({ allowLoopback: false, allowedPorts: "8443" });
    const auth = await api.proxyAuthorization("s-ports");
    try {
      for (const port of [22, 25, 465, 587, 6379, 8080]) {
        const tunnel = await openTunnel({ port: gateway.port, auth, target: `site.test:${port}` });
        expect(tunnel.status, `CONNECT ${port}`).toBe(403);
        expect(tunnel.body).toContain("port");
        const response = await proxiedRequest({ port: gateway.port, auth, url: `http://site.test:${port}/` });
        expect(response.status, `GET ${port}`).toBe(403);
      }
      expect(lookups).toEqual([]);
      // Refusals are counted by class (the log only summarises them, so a client cannot grow it).
      expect(gateway.metrics().refusals).toEqual({ destination_port: 12 });
      expect(reasons(lines).filter((line) => line.event === "request_refused")[0]?.reason).toBe("destination_port");

      // 443, 80 and the listed 8443 pass the port policy: the name is resolved and the address judged.
      for (const port of [443, 8443]) {
        expect((await openTunnel({ port: gateway.port, auth, target: `reserved.test:${port}` })).status).toBe(403);
      }
      expect((await proxiedRequest({ port: gateway.port, auth, url: "http://reserved.test/" })).status).toBe(403);
      expect(lookups).toEqual(["reserved.test", "reserved.test", "reserved.test"]);
      expect(gateway.metrics().refusals).toEqual({ destination_port: 12, destination_reserved: 3 });
    } finally {
      await gateway.close();
    }
  });

  it("with allowLoopback reaches any port on loopback, and still only the allowed ports elsewhere", async () => {
    const { gateway } = await gatewayWith({ allowLoopback: true });
    const auth = await api.proxyAuthorization("s-ports-loopback");
    try {
      const tunnel = await openTunnel({ port: gateway.port, auth, target: `127.0.0.1:${origin.port}` });
      expect(tunnel.status).toBe(200);
      tunnel.socket.destroy();
      const response = await proxiedRequest({ port: gateway.port, auth, url: `http://127.0.0.1:${origin.port}/bytes/10` });
      expect(response.status).toBe(200);
      // The same port on a public address is refused after resolving.
      expect((await openTunnel({ port: gateway.port, auth, target: `site.test:${origin.port}` })).status).toBe(403);
      expect((await proxiedRequest({ port: gateway.port, auth, url: `http://site.test:${origin.port}/` })).status).toBe(403);
      // Mail ports stay closed even on loopback.
      expect((await openTunnel({ port: gateway.port, auth, target: "127.0.0.1:25" })).status).toBe(403);
    } finally {
      await gateway.close();
    }
  });
});
