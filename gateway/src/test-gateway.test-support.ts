/**
 * The gateway the tests run against: a real gateway with its plain listener
 * and its TLS listener (h2 and http/1.1 in ALPN) on free ports, a fake API
 * beside it, loopback destinations allowed, and flushes and heartbeats out of
 * the way unless a test asks for them (tests drive them). One place, so each
 * test file states only the settings its behaviour depends on.
 *
 *   const h2 = await startTestGateway({ maxFlowsPerSession: 3 });
 *   const conn = await connectH2(h2.endpoint());
 *   await waitFor(() => h2.gateway.metrics().refusals.h2_flood === 1);
 *   await h2.close();
 */
import { startFakeApi, type FakeApi } from "@cargo-vpn/testkit/fake-api";
import { selfSignedCert } from "@cargo-vpn/testkit/tls-cert";
import type { GatewayConfigInput } from "./gateway-settings";
import { type GatewayHooks, startGateway, type RunningGateway } from "./gateway";
import { memoryLogger } from "./logger";

export type TestGatewayOptions = Partial<Omit<GatewayConfigInput, "apiUrl" | "gatewayId" | "gatewaySecret" | "tls">> &
  Omit<GatewayHooks, "logger"> & {
    /** The TLS listener's certificate; a fresh self-signed one by default. */
    cert?: { cert: string; key: string };
    /** Offer h2 on the TLS listener (`tls.h2`); default true here, since most of these tests are about h2. */
    h2?: boolean;
    /** Open the http/1.1-only TLS listener too (`tls.http1Port`): true for a free port, or the port. */
    http1Port?: boolean | number;
  };

export interface TestGateway {
  api: FakeApi;
  gateway: RunningGateway;
  cert: { cert: string; key: string };
  /** The gateway's log lines (memoryLogger). */
  lines: string[];
  /** Where connectH2 reaches the TLS listener. */
  endpoint(): { port: number; ca: string };
  /** The http/1.1-only TLS listener, with `http1Port`. */
  http1Endpoint(): { port: number; ca: string };
  /** Refusals counted under `reason` so far (the refusal metrics). */
  refusals(reason: string): number;
  close(): Promise<void>;
}

export async function startTestGateway({
  cert = selfSignedCert(),
  h2 = true,
  http1Port,
  ...options
}: TestGatewayOptions = {}): Promise<TestGateway> {
  const api = await startFakeApi();
  const memory = memoryLogger();
  const gateway = await startGateway({
    apiUrl: api.url,
    gatewayId: api.gatewayId,
    gatewaySecret: api.secret,
    port: 0,
    tls: {
      port: 0,
      cert: cert.cert,
      key: cert.key,
      h2,
      ...(http1Port === undefined || http1Port === false ? {} : { http1Port: http1Port === true ? 0 : http1Port }),
    },
    allowLoopback: true,
    flushIntervalMs: 3_600_000,
    heartbeatIntervalMs: 3_600_000,
    shutdownGraceMs: 0,
    ...options,
    logger: memory.logger,
  });
  return {
    api,
    gateway,
    cert,
    lines: memory.lines,
    endpoint: () => ({ port: gateway.tlsPort!, ca: cert.cert }),
    http1Endpoint: () => {
      if (gateway.tlsHttp1Port === undefined) throw new Error("started without http1Port");
      return { port: gateway.tlsHttp1Port, ca: cert.cert };
    },
    refusals: (reason) => gateway.metrics().refusals[reason] ?? 0,
    close: async () => {
      await gateway.close();
      await api.close();
    },
  };
}

/** Polls `condition` every `stepMs` until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000, stepMs = 10): Promise<void> {
  const ends = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > ends) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
