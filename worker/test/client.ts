/**
 * Test helpers that talk to the worker the way a script would: JSON over
 * fetch, through the worker's real entrypoint in workerd.
 */
import { exports } from "cloudflare:workers";
import type { ApiAnswer } from "@cargo-vpn/testkit/api-answer";
import { toBase64Url } from "@cargo-vpn/shared";
import { inject } from "vitest";
import type { TestCredential } from "./derive-auth-keys";

export const BASE = "http://api.cargo.test";

export async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: BodyInit } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await (exports as any).default.fetch(
    new Request(BASE + path, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    }),
  );
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, body, headers: response.headers };
}

export function credential(n = 0): TestCredential {
  const all = inject("credentials");
  return all[n % all.length]!;
}

let counter = 0;
/** A username unique within this run. */
export function uniqueName(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
}

/** A valid registration body with a fresh username; override any field. */
export function registration(overrides: Record<string, unknown> = {}) {
  const cred = credential();
  const username = uniqueName();
  return {
    username,
    email: `${username}@example.com`,
    authKey: cred.authKey,
    kdf: { salt: cred.salt, iterations: cred.iterations },
    ageConfirmed: true,
    ...overrides,
  };
}

export interface TestUser {
  id: string;
  username: string;
  email: string;
  cred: TestCredential;
}

export async function register(
  options: { username?: string; email?: string; cred?: TestCredential; language?: string } = {},
): Promise<TestUser> {
  const username = options.username ?? uniqueName();
  const email = options.email ?? `${username}@example.com`;
  const cred = options.cred ?? credential();
  const res = await call("POST", "/v1/accounts", {
    body: {
      username,
      email,
      authKey: cred.authKey,
      kdf: { salt: cred.salt, iterations: cred.iterations },
      ageConfirmed: true,
      ...(options.language ? { language: options.language } : {}),
    },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.account.id, username, email, cred };
}

/** A device as a client makes one: a fresh id and its secret (issue 20 item 4), sent together on every sign-in. */
export function newDevice(kind: "chrome" | "firefox" | "edge" | "api" = "chrome", label = "Chrome on Linux") {
  return { id: crypto.randomUUID(), kind, label, secret: newDeviceSecret() };
}

/** What a sign-in sends as `device`: without `secret` it is an old client's (a new device every time). */
export type DeviceInput = { id: string; kind: "chrome" | "firefox" | "edge" | "api"; label: string; secret?: string };

/** 32 random bytes as base64url, as the extension makes a device secret. */
export function newDeviceSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function signIn(user: TestUser, device: DeviceInput = newDevice(), headers: Record<string, string> = {}) {
  return call("POST", "/v1/auth/login", {
    body: { username: user.username, authKey: user.cred.authKey, device },
    headers,
  });
}

export async function signedIn(user?: TestUser) {
  const u = user ?? (await register());
  const device = newDevice();
  const res = await signIn(u, device);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user: u, device, token: res.body.accessToken as string, refreshToken: res.body.refreshToken as string };
}

/** Registers a gateway straight in D1 (what `npm run ops -- gateway create` does) and beats once so it is online. */
export async function provisionGateway(spec: Partial<import("../src/gateways/provision").GatewaySpec> = {}) {
  const { newGateway } = await import("../src/gateways/provision");
  const { database } = await import("../src/db/client");
  const { gateways } = await import("../src/db/schema");
  const { env } = await import("cloudflare:test");
  const { record, secret } = await newGateway({
    name: "Frankfurt 1",
    country: "DE",
    scheme: "https",
    host: "127.0.0.1",
    port: 8443,
    ...spec,
  });
  await database(env).insert(gateways).values(record);
  const beat = await call("POST", "/v1/gateway/heartbeat", {
    body: { activeSessions: 0, load: 0.1 },
    headers: { authorization: `Bearer ${secret}` },
  });
  if (beat.status !== 200) throw new Error(`heartbeat failed: ${beat.status}`);
  return { id: record.id!, secret, auth: { authorization: `Bearer ${secret}` } };
}
