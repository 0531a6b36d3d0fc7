/**
 * What a script or the extension does against the API, from Node: sign up
 * with a password (the authKey derived with the project's shared code), sign
 * in, open tunnel sessions, read usage.
 */
import { deriveAuthKey, newKdfParams } from "@cargo-vpn/shared";
import type { ApiAnswer } from "./api-answer.ts";

export type { ApiAnswer } from "./api-answer.ts";

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
  deviceId: string;
}

let n = 0;

export async function signUpAndIn(base: string, options: { username?: string; password?: string } = {}): Promise<SignedIn> {
  n += 1;
  const username = options.username ?? `e2e-${Date.now().toString(36)}-${n}`;
  const email = `${username}@example.org`;
  const password = options.password ?? `pw ${username} ✓`;
  const kdf = newKdfParams();
  const authKey = await deriveAuthKey(password, kdf);
  const reg = await api(base, "POST", "/v1/accounts", { body: { username, email, authKey, kdf, ageConfirmed: true } });
  if (reg.status !== 201) throw new Error(`register ${reg.status}: ${JSON.stringify(reg.body)}`);
  const pre = await api(base, "POST", "/v1/auth/prelogin", { body: { username } });
  const deviceId = crypto.randomUUID();
  const signedIn = await api(base, "POST", "/v1/auth/login", {
    body: { username, authKey: await deriveAuthKey(password, pre.body), device: { id: deviceId, kind: "api", label: "e2e script" } },
  });
  if (signedIn.status !== 200) throw new Error(`sign-in ${signedIn.status}: ${JSON.stringify(signedIn.body)}`);
  return {
    username,
    email,
    password,
    accessToken: signedIn.body.accessToken,
    refreshToken: signedIn.body.refreshToken,
    accountId: signedIn.body.account.id,
    deviceId,
  };
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
