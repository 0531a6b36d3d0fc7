/**
 * The whole local stack in one call: the worker on wrangler/miniflare with
 * local D1 and Durable Objects (migrations applied, secrets generated on
 * first run), and a gateway on loopback registered with it. `npm start` runs
 * it with the default state folder; the end-to-end tests and the benchmarks
 * run it on a throwaway folder and free ports. Every message the API sends
 * lands as a file in `stack.mailDir` (mail-collector.ts).
 *
 *   const stack = await startStack({ persistTo: tmp, allowLoopback: true });
 *   ... stack.apiUrl, stack.proxy, stack.stripe (the local Stripe stand-in) ...
 *   await stack.stop();
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type Logger, type RunningGateway } from "@cargo-vpn/gateway";
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
  /** Serve the browser→gateway hop over TLS with this certificate (PEM); the location is then `https`. */
  tls?: { cert: string; key: string };
  /** Port of the local Stripe stand-in; default a free one. */
  stripePort?: number;
  /** Where each message the API sends is kept as a file; default .dev/mail, or a throwaway folder with `persistTo`. */
  mailDir?: string;
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
): Promise<GatewayIdentity> {
  const { record, secret } = await newGateway({ name, country: "DE", scheme, host: "127.0.0.1", port });
  executeSql(insertGatewaySql(record), target);
  return { id: record.id!, secret, port };
}

/** Reuses the gateway registered on an earlier start of the same state, else registers one. */
async function gatewayIdentity(target: Target, port: number, remember: string | null): Promise<GatewayIdentity> {
  if (remember && existsSync(remember)) {
    const saved = JSON.parse(await readFile(remember, "utf8")) as GatewayIdentity;
    const rows = executeSql<{ id: string }>(
      `SELECT id FROM gateways WHERE id = '${saved.id.replaceAll("'", "''")}' AND port = ${port}`,
      target,
    );
    if (rows.length === 1) return saved;
  }
  const identity = await registerGateway(target, port);
  if (remember) {
    await mkdir(join(remember, ".."), { recursive: true });
    await writeFile(remember, JSON.stringify(identity), { mode: 0o600 });
  }
  return identity;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const target: Target = options.persistTo ? { persistTo: options.persistTo } : {};
  await ensureDevVars(join(ROOT, ".dev.vars"));
  applyMigrations(target);
  const workerPort = options.workerPort ?? (await freePort());
  const gatewayPort = options.gatewayPort ?? (await freePort());
  const tlsPort = options.tls ? await freePort() : undefined;
  // Only the default state is long-lived enough for its gateway to be remembered.
  const identity = tlsPort
    ? await registerGateway(target, tlsPort, "Local gateway", "https")
    : await gatewayIdentity(target, gatewayPort, options.persistTo ? null : join(ROOT, ".dev", "gateway.json"));

  // Stripe cannot be reached from here: a local stand-in plays it, with the secrets of .dev.vars.
  const devVars = await readDevVars(join(ROOT, ".dev.vars"));
  const stripe = await startStripeStandin({
    secretKey: devVars.STRIPE_SECRET_KEY ?? "",
    webhookSecret: devVars.STRIPE_WEBHOOK_SECRET ?? "",
    prices: standinPrices(LOCAL_PRICES),
    webhookUrl: `http://127.0.0.1:${workerPort}/v1/billing/webhook`,
    ...(options.stripePort ? { port: options.stripePort } : {}),
  });
  // A throwaway stack gets a throwaway inbox, outside its state folder (which holds only what the worker stores).
  const ownMailDir = !options.mailDir && options.persistTo ? await mkdtemp(join(tmpdir(), "cargo-mail-")) : null;
  const mail = mailCollector(options.mailDir ?? ownMailDir ?? join(ROOT, ".dev", "mail"));
  await mkdir(mail.dir, { recursive: true });
  const billingVars = {
    STRIPE_API_HOST: stripe.host,
    STRIPE_API_PORT: String(stripe.port),
    STRIPE_API_PROTOCOL: stripe.protocol,
    STRIPE_PRICES: JSON.stringify(LOCAL_PRICES),
    BILLING_RETURN_URL: `${stripe.url}/return`,
  };
  let worker: WorkerProcess;
  try {
    worker = await startWorker({
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
  } catch (error) {
    await stripe.stop();
    throw error;
  }
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
      ...(options.tls && tlsPort ? { tls: { port: tlsPort, ...options.tls } } : {}),
    });
    // The first beat marks the location online before anyone asks for it.
    await gateway.heartbeat();
  } catch (error) {
    await worker.stop();
    await stripe.stop();
    throw error;
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
    async stop() {
      await gateway.close();
      await worker.stop();
      await stripe.stop();
      await mail.flush();
      if (ownMailDir) await rm(ownMailDir, { recursive: true, force: true });
    },
  };
}
