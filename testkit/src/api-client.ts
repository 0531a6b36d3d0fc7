/**
 * What a script or the extension does against the API, from Node: sign up
 * with a password (the authKey derived with the project's shared code), sign
 * in, open tunnel sessions, read usage.
 *
 * Two clients, for two kinds of test:
 * - `apiClient(base)` / `request(base, "POST /v1/tunnel/sessions", { token, body })`
 *   (typed-api.ts): for every call that expects success or a specific refusal.
 *   Its options are typed from the route table in @cargo-vpn/shared, its answer
 *   is parsed with the route's schema, and any other status throws an
 *   ApiFailure, so a refusal is
 *   `await expect(call(...)).rejects.toMatchObject({ status: 409, code: "device_limit" })`.
 * - `api(base, method, path, { body, token })`: the raw answer (status, JSON
 *   body as `any`, headers), for calls the typed client cannot or should not
 *   make: deliberately malformed or unknown input, a bearer route without a
 *   token, or reading headers.
 */
import { deriveAuthKey, deriveClientKeys, newKdfParams, sealUsername, toBase64Url } from "@cargo-vpn/shared";
import type { ApiAnswer } from "./api-answer.ts";
import { request } from "./typed-api.ts";

export type { ApiAnswer } from "./api-answer.ts";
export { ApiAnswerMismatch, ApiFailure, apiClient, type ProblemAnswer, request } from "./typed-api.ts";

/** The raw client: any method and path, any body; answers status, parsed JSON body (untyped) and headers. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(base + path, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export interface SignedIn {
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  accountId: string;
  /** The id the API answered (kept, as the extension keeps it) and the secret its slot is bound to. */
  deviceId: string;
  device: TestDevice;
}

/** A device as the extension makes one: an id and a secret from crypto.getRandomValues, sent together on every sign-in. */
export interface TestDevice {
  id: string;
  kind: "api";
  label: string;
  secret: string;
}

export function newDevice(label = "e2e script"): TestDevice {
  return { id: crypto.randomUUID(), kind: "api", label, secret: toBase64Url(crypto.getRandomValues(new Uint8Array(32))) };
}

let n = 0;

export async function signUpAndIn(base: string, options: { username?: string; password?: string } = {}): Promise<SignedIn> {
  n += 1;
  const username = options.username ?? `e2e-${Date.now().toString(36)}-${n}`;
  const email = `${username}@example.org`;
  const password = options.password ?? `pw ${username} ✓`;
  const kdf = newKdfParams();
  // As the extension does: the username sealed under the password's usernameKey, so the server keeps no readable copy.
  const { authKey, usernameKey } = await deriveClientKeys(password, kdf);
  const usernameSealed = await sealUsername(usernameKey, username);
  await request(base, "POST /v1/accounts", { body: { username, email, authKey, kdf, usernameSealed, ageConfirmed: true } });
  const device = newDevice();
  const signedIn = await request(base, "POST /v1/auth/login", {
    body: { username, authKey: await authKeyFor(base, username, password), device },
  });
  return {
    username,
    email,
    password,
    accessToken: signedIn.accessToken,
    refreshToken: signedIn.refreshToken,
    accountId: signedIn.account.id,
    deviceId: signedIn.device.id,
    device: { ...device, id: signedIn.device.id },
  };
}

/** Signs the same device in again (its id and secret, the authKey derived from the password as the extension does). */
export async function signInAgain(base: string, who: Pick<SignedIn, "username" | "password" | "device">) {
  return request(base, "POST /v1/auth/login", {
    body: { username: who.username, authKey: await authKeyFor(base, who.username, who.password), device: who.device },
  });
}

/** The authKey `password` gives for `username`, derived with the parameters prelogin answers, as the extension derives it. */
export async function authKeyFor(base: string, username: string, password: string): Promise<string> {
  return deriveAuthKey(password, await request(base, "POST /v1/auth/prelogin", { body: { username } }));
}

export function basicAuth(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/** Polls until `check` returns a value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
