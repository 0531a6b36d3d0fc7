/**
 * Every key rotated on the real local stack, with the operator commands an
 * operator would type (`npm run ops -- keys …`, `gateway rotate-secret`)
 * editing a throwaway copy of `.dev.vars`, and `wrangler dev` restarted on the
 * same state folder and port to load the new secrets (as a deploy would):
 *
 * - JWT: publish-next → wait one gateway JWKS cache period → promote. The
 *   gateway keeps accepting credentials signed by the old key, renewal hands
 *   out credentials with the new kid that it accepts too, and old access
 *   tokens keep working until the previous key is retired.
 * - DATA_KEK: rotate → rewrap in small batches while the user signs in over
 *   and over → retire; the account then opens with the new key alone.
 * - Gateway secret: rotated while the gateway runs, it keeps beating with the
 *   old one; restarted with the new one, the old one is refused.
 */
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger, type RunningGateway, startGateway } from "@cargo-vpn/gateway";
import { base64url, createRemoteJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDevVars } from "@cargo-vpn/worker/dev/key-rotation";
import { ensureDevVars } from "@cargo-vpn/worker/dev/secrets";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { proxiedRequest } from "@cargo-vpn/testkit/proxy-client";
import { freePort } from "@cargo-vpn/testkit/free-port";
import { type GatewayIdentity, registerGateway } from "@cargo-vpn/stack";
import { applyMigrations, executeSql, ROOT, startWorker, type WorkerProcess } from "@cargo-vpn/stack/wrangler";
import { apiClient, authKeyFor, basicAuth, signUpAndIn, type SignedIn } from "@cargo-vpn/testkit/api-client";

/** The test gateway's JWKS cache period; the operator waits at least this long between publish-next and promote. */
const JWKS_CACHE_MS = 2000;
const INTERVAL_MS = 500;

const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** `npm run ops -- …` on this test's state folder and secrets file. */
function ops(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, "scripts/ops.ts", ...args, "--persist-to", state, "--vars", varsFile], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`ops ${args.join(" ")} exited ${code}:\n${out}`))));
  });
}

let state: string;
let varsFile: string;
let workerPort: number;
let worker: WorkerProcess;
let gateway: RunningGateway;
let identity: GatewayIdentity;
let origin: Origin;

/** (Re)starts wrangler dev on the same port and state with exactly the secrets in the test's vars file. */
async function restartWorker(): Promise<void> {
  await worker?.stop();
  const secrets = await readDevVars(varsFile);
  // Names a step removed must not fall back to the repository's .dev.vars: empty means unset.
  const cleared = { JWT_NEXT_PRIVATE_KEY: "", JWT_PREVIOUS_PUBLIC_KEY: "", DATA_KEK_PREVIOUS: "", DATA_KEK_VERSION: "" };
  worker = await startWorker({ port: workerPort, persistTo: state, vars: { ...cleared, ...secrets } });
}

async function startTestGateway(secret: string): Promise<RunningGateway> {
  const url = `http://127.0.0.1:${workerPort}`;
  const started = await startGateway({
    apiUrl: url,
    gatewayId: identity.id,
    gatewaySecret: secret,
    host: "127.0.0.1",
    port: identity.port,
    allowLoopback: true,
    flushIntervalMs: INTERVAL_MS,
    heartbeatIntervalMs: INTERVAL_MS,
    logger: memoryLogger().logger,
    // A short cache, and no on-the-spot refetch for an unknown kid: only a key published ahead can work.
    jwks: createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`), { cacheMaxAge: JWKS_CACHE_MS, cooldownDuration: 60 * 60 * 1000 }),
  });
  expect(await started.heartbeat()).toBe(true);
  return started;
}

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "cargo-keys-"));
  varsFile = join(state, "secrets.vars");
  await ensureDevVars(join(ROOT, ".dev.vars"));
  await copyFile(join(ROOT, ".dev.vars"), varsFile);
  applyMigrations({ persistTo: state });
  workerPort = await freePort();
  identity = await registerGateway({ persistTo: state }, await freePort());
  await restartWorker();
  gateway = await startTestGateway(identity.secret);
  origin = await startOrigin();
});

afterAll(async () => {
  await origin?.close();
  await gateway?.close();
  await worker?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

const apiUrl = () => `http://127.0.0.1:${workerPort}`;
const call = apiClient(apiUrl);
const kidOf = (jwt: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split(".")[0]!))).kid as string;
const through = (credentials: { username: string; password: string }) =>
  proxiedRequest({ port: identity.port, auth: basicAuth(credentials), url: `http://127.0.0.1:${origin.port}/bytes/100` });
/** Signs in again from the same device, deriving the authKey from the password as the extension does. */
async function signInAgain(who: SignedIn) {
  const authKey = await authKeyFor(apiUrl(), who.username, who.password);
  return call("POST /v1/auth/login", { body: { username: who.username, authKey, device: who.device } });
}
const currentKid = async () => JSON.parse((await readDevVars(varsFile)).JWT_PRIVATE_KEY!).kid as string;

describe("key rotation on the running stack", () => {
  let user: SignedIn;
  let sessionId: string;

  it("rotates the JWT signing key without refusing a single credential in date", async () => {
    const oldKid = await currentKid();
    user = await signUpAndIn(apiUrl());
    const opened = await call("POST /v1/tunnel/sessions", { token: user.accessToken, body: { locationId: identity.id } });
    sessionId = opened.session.id;
    expect((await through(opened.credentials)).status).toBe(200);

    // 1. publish-next: the worker publishes the new key and still signs with the old one.
    expect(await ops(["keys", "jwt", "publish-next"])).toContain("set JWT_NEXT_PRIVATE_KEY");
    const newKid = JSON.parse((await readDevVars(varsFile)).JWT_NEXT_PRIVATE_KEY!).kid as string;
    await restartWorker();
    const jwks = await call("GET /.well-known/jwks.json");
    expect(jwks.keys.map((k) => k.kid)).toEqual([oldKid, newKid]);
    const signedByOld = await call("POST /v1/tunnel/sessions/{id}/renew", { token: user.accessToken, params: { id: sessionId } });
    expect(kidOf(signedByOld.credentials.password)).toBe(oldKid);

    // 2. wait out one JWKS cache period of the gateway, then promote.
    await new Promise((r) => setTimeout(r, JWKS_CACHE_MS + 500));
    // --force: this test's gateway caches the JWKS for 2 s, not the 15 minutes the step checks for (test/ops-commands.test.ts).
    expect(await ops(["keys", "jwt", "promote", "--force"])).toContain("set JWT_PRIVATE_KEY");
    await restartWorker();
    // A credential the old key signed, first shown to the gateway now, still passes.
    expect((await through(signedByOld.credentials)).status).toBe(200);
    // The access token the old key signed still works; renewal hands out the new kid, which the gateway knows.
    const renewed = await call("POST /v1/tunnel/sessions/{id}/renew", { token: user.accessToken, params: { id: sessionId } });
    expect(kidOf(renewed.credentials.password)).toBe(newKid);
    expect((await through(renewed.credentials)).status).toBe(200);
    const refreshed = await call("POST /v1/auth/refresh", { body: { refreshToken: user.refreshToken } });
    expect(kidOf(refreshed.accessToken)).toBe(newKid);
    const oldAccessToken = user.accessToken;
    user = { ...user, accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken };

    // 3. retire (once the old key's tokens have expired): only the new key is published and accepted.
    expect(await ops(["keys", "jwt", "retire", "--force"])).toContain("removed JWT_PREVIOUS_PUBLIC_KEY");
    await restartWorker();
    expect((await call("GET /.well-known/jwks.json")).keys.map((k) => k.kid)).toEqual([newKid]);
    await expect(call("GET /v1/me", { token: oldAccessToken })).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    await call("GET /v1/me", { token: user.accessToken });
    // Steps refuse to run out of order.
    await expect(ops(["keys", "jwt", "promote", "--force"])).rejects.toThrow(/JWT_NEXT_PRIVATE_KEY is not set/);
  });

  it("re-wraps every account under a new DATA_KEK, signing in at every stage", async () => {
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await signUpAndIn(apiUrl()));
    expect(await ops(["keys", "kek", "rotate"])).toContain("set DATA_KEK");
    const rotated = await readDevVars(varsFile);
    expect(rotated.DATA_KEK_VERSION).toBe("2");
    await restartWorker();
    // Nothing is re-wrapped yet: the status says so and the old key cannot be retired.
    expect(await ops(["keys", "kek", "status"])).toContain("5 accounts remain on an old DATA_KEK version");
    await expect(ops(["keys", "kek", "retire"])).rejects.toThrow(/5 accounts are still wrapped by the previous DATA_KEK/);

    // Halfway: 2 of the 5 accounts re-wrapped, 3 not; every one of them signs in (worker and device
    // record both open it). The re-wrap runs in its own process here, and two local processes on one
    // SQLite file lock each other out now and then, so sign-ins go between runs rather than during
    // them; sign-ins racing the re-wrap are proven in worker/test/key-rotation.test.ts, on one D1.
    const half = await ops(["keys", "kek", "rewrap", "--batch", "1", "--limit", "2"]);
    expect(half).toMatch(/re-wrapped 2 accounts to DATA_KEK version 2/);
    expect(half).toContain("3 accounts remain on an old DATA_KEK version");
    for (const someone of [user, ...others]) {
      const signedIn = await signInAgain(someone);
      // The email is what the data key seals (the username is sealed by the owner's client, under no server key).
      expect(signedIn.account.email).toBe(someone.email);
      expect(signedIn.account.username).toBeNull();
    }
    const out = await ops(["keys", "kek", "rewrap", "--batch", "2"]);
    expect(out).toMatch(/re-wrapped 3 accounts to DATA_KEK version 2/);
    expect(out).toContain("0 accounts remain on an old DATA_KEK version");

    // Retire the old key; the worker restarts with the new one alone.
    await expect(ops(["keys", "kek", "rotate"])).rejects.toThrow(/finish the re-wrap/);
    expect(await ops(["keys", "kek", "retire"])).toContain("removed DATA_KEK_PREVIOUS");
    expect((await readDevVars(varsFile)).DATA_KEK_PREVIOUS).toBeUndefined();
    await restartWorker();
    const again = await signInAgain(user);
    user = { ...user, accessToken: again.accessToken };
    const me = await call("GET /v1/me", { token: user.accessToken });
    expect(me.account.email).toBe(user.email);
    await call("GET /v1/devices", { token: user.accessToken });
    for (const other of others) await signInAgain(other);
    expect(await ops(["keys", "kek", "status"])).toContain("0 accounts remain on an old DATA_KEK version");
    const versions = executeSql<{ v: number }>("SELECT DISTINCT kek_version AS v FROM accounts", { persistTo: state });
    expect(versions).toEqual([{ v: 2 }]);
  });

  it("rotates the gateway secret while the gateway runs: the old one works until the new one is used", async () => {
    const out = await ops(["gateway", "rotate-secret", "--id", identity.id, "--overlap-hours", "1"]);
    const secret = out.trim().split("\n").at(-1)!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const beatAt = () =>
      executeSql<{ at: number }>(`SELECT last_heartbeat_at AS at FROM gateways WHERE id = '${identity.id}'`, { persistTo: state })[0]!.at;
    // The running gateway still has the old secret and keeps beating with it.
    const before = beatAt();
    expect(await gateway.heartbeat()).toBe(true);
    expect(beatAt()).toBeGreaterThan(before);

    // Restarted with the new secret, it beats; from then on the old secret is refused.
    await gateway.close();
    gateway = await startTestGateway(secret);
    await expect(
      call("POST /v1/gateway/heartbeat", { token: identity.secret, body: { activeSessions: 0, load: 0 } }),
    ).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
    });
    // And traffic flows through the restarted gateway.
    const someone = await signUpAndIn(apiUrl());
    const opened = await call("POST /v1/tunnel/sessions", { token: someone.accessToken, body: { locationId: identity.id } });
    expect((await through(opened.credentials)).status).toBe(200);
  });
});
