/**
 * The whole local stack in one call: the worker on wrangler/miniflare with
 * local D1 and Durable Objects (migrations applied, secrets generated on
 * first run), and a gateway on loopback registered with it. `npm start` runs
 * it with the default state folder; the end-to-end tests and the benchmarks
 * run it on a throwaway folder and free ports. Every message the API sends
 * lands as a file in `stack.mailDir` (mail-collector.ts). With
 * `secondGateway` a second location ("Local gateway 2", NL) runs beside the
 * first as its own process, the gateway CLI an operator runs (per-site
 * locations; `CARGO_SECOND_GATEWAY=1 npm start`).
 *
 *   const stack = await startStack({ persistTo: tmp, allowLoopback: true });
 *   ... stack.apiUrl, stack.proxy, stack.stripe (the local Stripe stand-in) ...
 *   await stack.stop();
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { once } from "node:events";
import { type Resolver, startGateway, type Logger, type RunningGateway } from "@cargo-vpn/gateway";
import { ensureDevVars, readDevVars } from "@cargo-vpn/worker/dev/secrets";
import { LOCAL_PRICES, standinPrices } from "@cargo-vpn/stripe-standin/prices";
import { type StripeStandin, startStripeStandin } from "@cargo-vpn/stripe-standin";
import { insertGatewaySql, newGateway } from "@cargo-vpn/worker/gateways/provision";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { mailCollector } from "./mail-collector.ts";
import { applyMigrations, executeSql, ROOT, startWorker, type Target, type WorkerProcess } from "./wrangler.ts";

export interface StackOptions {
  /** Local state folder; wrangler's default (.wrangler/state) when absent. */
  persistTo?: string;
  /** Worker port; default a free one. */
  workerPort?: number;
  /** Where a free worker port comes from without `workerPort`; default freePort(). How a test hands it a taken one. */
  chooseWorkerPort?: () => Promise<number>;
  /** Gateway port; default a free one. */
  gatewayPort?: number;
  /** Let the gateway reach loopback destinations (tests with a local origin). */
  allowLoopback?: boolean;
  /** Worker vars, e.g. { SESSION_IDLE_MINUTES: "1" }. */
  vars?: Record<string, string>;
  /** Gateway heartbeat and usage flush period; default 1000 ms in tests. */
  gatewayIntervalMs?: number;
  /** Where the gateway logs; default stderr. */
  gatewayLogger?: Logger;
  /**
   * Serve the browser→gateway hop over TLS with this certificate (PEM); the location is then `https`.
   * `http1Port` (default true): a second TLS port that offers only HTTP/1.1, registered as the location's
   * `http1Port`, where the extension sends Firefox (the gateway's `tls.http1Port`).
   * `h2`: offer HTTP/2 on the main TLS port; the gateway's default is on when there is an HTTP/1.1 port.
   */
  tls?: { cert: string; key: string; h2?: boolean; http1Port?: boolean };
  /** Port of the local Stripe stand-in; default a free one. */
  stripePort?: number;
  /** Where each message the API sends is kept as a file; default .dev/mail, or a throwaway folder with `persistTo`. */
  mailDir?: string;
  /** Start a second location's gateway, in its own process (the gateway CLI, `gateway/src/main.ts`). */
  secondGateway?: boolean;
  /** The second gateway's port; default a free one. */
  secondGatewayPort?: number;
  /** Names under `.test` resolve to 127.0.0.1 in the local gateways (tests that load distinct sites; test-names.mjs). */
  resolveTestNames?: boolean;
}

/** A gateway running as its own process, as operators run it. */
export interface GatewayProcess {
  gatewayId: string;
  pid: number;
  proxy: { scheme: "http"; host: string; port: number };
  stop(): Promise<void>;
}

export interface Stack {
  apiUrl: string;
  /**
   * Where the API's own /account pages (and so the links in its mail) are
   * opened: the same worker as `apiUrl`, named `localhost`, because WebAuthn
   * takes `localhost` as a relying party over plain http but refuses an IP
   * address, and passkeys are made on these pages (PUBLIC_BASE_URL).
   */
  pagesUrl: string;
  worker: WorkerProcess;
  gateway: RunningGateway;
  gatewayId: string;
  proxy: { scheme: "http" | "https"; host: string; port: number };
  /** The local Stripe stand-in the worker buys through (hosted Checkout and Customer Portal pages, signed webhooks). */
  stripe: StripeStandin;
  /** The local inbox: one file per message sent (scripts/stack/mail-collector.ts). */
  mailDir: string;
  /** Resolves once every message sent so far is in mailDir. */
  flushMail(): Promise<void>;
  /** The second location, with `secondGateway`. */
  secondGateway: GatewayProcess | null;
  stop(): Promise<void>;
}

/** The local PUBLIC_BASE_URL: this machine's worker by the one loopback name a browser lets make passkeys over http. */
export function localPagesUrl(workerPort: number): string {
  return `http://localhost:${workerPort}`;
}

export interface GatewayIdentity {
  id: string;
  secret: string;
  port: number;
}

/** Registers a loopback gateway in the local database (what `npm run ops -- gateway create` does). */
export async function registerGateway(
  target: Target,
  port: number,
  name = "Local gateway",
  scheme: "http" | "https" = "http",
  country = "DE",
  http1Port?: number,
): Promise<GatewayIdentity> {
  const { record, secret } = await newGateway({ name, country, scheme, host: "127.0.0.1", port, ...(http1Port ? { http1Port } : {}) });
  executeSql(insertGatewaySql(record), target);
  return { id: record.id!, secret, port };
}

/** Reuses the gateway registered on an earlier start of the same state, else registers one. */
async function gatewayIdentity(
  target: Target,
  port: number,
  remember: string | null,
  name = "Local gateway",
  country = "DE",
): Promise<GatewayIdentity> {
  if (remember && existsSync(remember)) {
    const saved = JSON.parse(await readFile(remember, "utf8")) as GatewayIdentity;
    const rows = executeSql<{ id: string }>(
      `SELECT id FROM gateways WHERE id = '${saved.id.replaceAll("'", "''")}' AND port = ${port}`,
      target,
    );
    if (rows.length === 1) return saved;
  }
  const identity = await registerGateway(target, port, name, "http", country);
  if (remember) {
    await mkdir(join(remember, ".."), { recursive: true });
    await writeFile(remember, JSON.stringify(identity), { mode: 0o600 });
  }
  return identity;
}

const TEST_NAMES = join(ROOT, "scripts", "stack", "test-names.mjs");

/** `.test` names → loopback for the in-process gateway (the same rule test-names.mjs gives a gateway process). */
const testNamesResolver: Resolver = async (hostname) =>
  /\.test\.?$/i.test(hostname) ? [{ address: "127.0.0.1", family: 4 }] : lookup(hostname, { all: true, verbatim: true });

/** Starts the gateway CLI for `identity` and resolves once it listens (its first line names the port). */
async function startGatewayProcess(
  apiUrl: string,
  identity: GatewayIdentity,
  options: Pick<StackOptions, "allowLoopback" | "gatewayIntervalMs" | "resolveTestNames">,
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...(options.resolveTestNames ? ["--import", TEST_NAMES] : []), "--import", "tsx", "src/main.ts"], {
    cwd: join(ROOT, "gateway"),
    env: {
      ...process.env,
      CARGO_API_URL: apiUrl,
      CARGO_GATEWAY_ID: identity.id,
      CARGO_GATEWAY_SECRET: identity.secret,
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(identity.port),
      GATEWAY_WORKERS: "1",
      GATEWAY_ALLOW_LOOPBACK: String(options.allowLoopback ?? false),
      GATEWAY_SHUTDOWN_GRACE_MS: "200",
      ...(options.gatewayIntervalMs
        ? { GATEWAY_FLUSH_MS: String(options.gatewayIntervalMs), GATEWAY_HEARTBEAT_MS: String(options.gatewayIntervalMs) }
        : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/gateway listening on /.test(stdout)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the second gateway exited (${code}): ${stderr}`)));
  });
  child.stdout.resume();
  return {
    gatewayId: identity.id,
    pid: child.pid!,
    proxy: { scheme: "http", host: "127.0.0.1", port: identity.port },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** How often startStack chooses another API port when the one it chose was taken before wrangler could bind it. */
const WORKER_PORT_ATTEMPTS = 3;

/** The Stripe stand-in and the API (wrangler dev) on `workerPort`; the stand-in is stopped again if the API does not start. */
async function startApi(
  options: StackOptions,
  workerPort: number,
  mail: ReturnType<typeof mailCollector>,
): Promise<{ stripe: StripeStandin; worker: WorkerProcess }> {
  // Stripe cannot be reached from here: a local stand-in plays it, with the secrets of .dev.vars.
  const devVars = await readDevVars(join(ROOT, ".dev.vars"));
  const stripe = await startStripeStandin({
    secretKey: devVars.STRIPE_SECRET_KEY ?? "",
    webhookSecret: devVars.STRIPE_WEBHOOK_SECRET ?? "",
    prices: standinPrices(LOCAL_PRICES),
    webhookUrl: `http://127.0.0.1:${workerPort}/v1/billing/webhook`,
    ...(options.stripePort ? { port: options.stripePort } : {}),
  });
  const billingVars = {
    STRIPE_API_HOST: stripe.host,
    STRIPE_API_PORT: String(stripe.port),
    STRIPE_API_PROTOCOL: stripe.protocol,
    STRIPE_PRICES: JSON.stringify(LOCAL_PRICES),
    BILLING_RETURN_URL: `${stripe.url}/return`,
  };
  try {
    const worker = await startWorker({
      port: workerPort,
      ...(options.persistTo ? { persistTo: options.persistTo } : {}),
      // Email links point at this API's own /account pages, on localhost (pagesUrl) so passkeys can be made there.
      // The privacy policy's contacts: local addresses, so nobody mails a real inbox from a local stack.
      vars: {
        PUBLIC_BASE_URL: localPagesUrl(workerPort),
        PRIVACY_EMAIL: "privacy@cargo-vpn.localhost",
        ABUSE_EMAIL: "abuse@cargo-vpn.localhost",
        ...billingVars,
        ...options.vars,
      },
      onLine: mail.take,
    });
    return { stripe, worker };
  } catch (error) {
    await stripe.stop();
    throw error;
  }
}

/** The gateway's TLS settings from the stack's: `http1Port` there is a port number, here a yes or no. */
const tlsSettings = ({ http1Port: _, ...tls }: NonNullable<StackOptions["tls"]>) => tls;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const target: Target = options.persistTo ? { persistTo: options.persistTo } : {};
  await ensureDevVars(join(ROOT, ".dev.vars"));
  applyMigrations(target);
  const gatewayPort = options.gatewayPort ?? (await freePort());
  const tlsPort = options.tls ? await freePort() : undefined;
  const http1Port = options.tls && options.tls.http1Port !== false ? await freePort() : undefined;
  // Only the default state is long-lived enough for its gateway to be remembered.
  const identity = tlsPort
    ? await registerGateway(target, tlsPort, "Local gateway", "https", "DE", http1Port)
    : await gatewayIdentity(target, gatewayPort, options.persistTo ? null : join(ROOT, ".dev", "gateway.json"));

  // A throwaway stack gets a throwaway inbox, outside its state folder (which holds only what the worker stores).
  const ownMailDir = !options.mailDir && options.persistTo ? await mkdtemp(join(tmpdir(), "cargo-mail-")) : null;
  const mail = mailCollector(options.mailDir ?? ownMailDir ?? join(ROOT, ".dev", "mail"));
  await mkdir(mail.dir, { recursive: true });
  // A port freePort() chose can be bound by another suite on the machine before wrangler binds it
  // ("Address already in use"): then choose again. A port the caller gave is not changed.
  let api: { workerPort: number; stripe: StripeStandin; worker: WorkerProcess } | undefined;
  for (let attempt = 1; !api; attempt++) {
    const workerPort = options.workerPort ?? (await (options.chooseWorkerPort ?? freePort)());
    try {
      api = { workerPort, ...(await startApi(options, workerPort, mail)) };
    } catch (error) {
      if (options.workerPort !== undefined || attempt >= WORKER_PORT_ATTEMPTS || !/Address already in use/.test(String(error))) throw error;
    }
  }
  const { workerPort, stripe, worker } = api;
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      apiUrl: worker.url,
      gatewayId: identity.id,
      gatewaySecret: identity.secret,
      host: "127.0.0.1",
      port: gatewayPort,
      allowLoopback: options.allowLoopback ?? false,
      ...(options.gatewayIntervalMs ? { flushIntervalMs: options.gatewayIntervalMs, heartbeatIntervalMs: options.gatewayIntervalMs } : {}),
      ...(options.gatewayLogger ? { logger: options.gatewayLogger } : {}),
      ...(options.resolveTestNames ? { resolver: testNamesResolver } : {}),
      ...(options.tls && tlsPort ? { tls: { ...tlsSettings(options.tls), port: tlsPort, ...(http1Port ? { http1Port } : {}) } } : {}),
    });
    // The first beat marks the location online before anyone asks for it.
    await gateway.heartbeat();
  } catch (error) {
    await worker.stop();
    await stripe.stop();
    throw error;
  }
  let second: GatewayProcess | null = null;
  if (options.secondGateway) {
    try {
      const port = options.secondGatewayPort ?? (await freePort());
      const remember = options.persistTo ? null : join(ROOT, ".dev", "gateway-2.json");
      const identity = await gatewayIdentity(target, port, remember, "Local gateway 2", "NL");
      second = await startGatewayProcess(worker.url, identity, options);
      // Online once its first beat lands (the CLI beats at start).
      await waitForOnline(target, identity.id);
    } catch (error) {
      await second?.stop();
      await gateway.close();
      await worker.stop();
      await stripe.stop();
      throw error;
    }
  }
  return {
    apiUrl: worker.url,
    pagesUrl: options.vars?.PUBLIC_BASE_URL ?? localPagesUrl(workerPort),
    worker,
    gateway,
    gatewayId: identity.id,
    stripe,
    proxy: gateway.tlsPort
      ? { scheme: "https", host: "127.0.0.1", port: gateway.tlsPort }
      : { scheme: "http", host: "127.0.0.1", port: gateway.port },
    mailDir: mail.dir,
    flushMail: mail.flush,
    secondGateway: second,
    async stop() {
      await second?.stop();
      await gateway.close();
      await worker.stop();
      await stripe.stop();
      await mail.flush();
      if (ownMailDir) await rm(ownMailDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the gateway's heartbeat has reached the API (its location lists as online). */
async function waitForOnline(target: Target, gatewayId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const id = gatewayId.replaceAll("'", "''");
  while (
    executeSql<{ n: number }>(`SELECT COUNT(*) AS n FROM gateways WHERE id = '${id}' AND last_heartbeat_at IS NOT NULL`, target)[0]?.n !== 1
  ) {
    if (Date.now() > deadline) throw new Error("the second gateway never reached the API");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
