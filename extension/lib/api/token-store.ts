/**
 * Where the sign-in lives. The access token is short-lived and kept in
 * `storage.session` (gone when the browser closes); the refresh token and the
 * account are kept in `storage.local` because reconnecting after a browser
 * restart needs them. The password, the authKey and the key that seals the
 * username are never stored; the username the person typed is, with the account.
 */
import type { Account } from "@cargo-vpn/shared/schemas";

export interface Tokens {
  accessToken: string;
  /** epoch ms */
  accessExpiresAt: number;
  refreshToken: string;
  account: Account;
  deviceId: string;
}

/**
 * The account with the name this client knows filled in: the API no longer
 * reads it once the account keeps only the sealed copy (issue 18 item 5), so
 * the name typed at sign-in, kept here with the sign-in, is what is shown.
 */
export function withKnownName(account: Account, knownName: string | null | undefined): Account {
  return account.username === null && knownName ? { ...account, username: knownName } : account;
}

export interface TokenStore {
  get(): Promise<Tokens | null>;
  set(tokens: Tokens | null): Promise<void>;
}

/** The storage areas this needs, so tests can hand in the fake browser's. */
export interface StorageAreas {
  local: StorageArea;
  session: StorageArea;
}
export interface StorageArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

const LOCAL_KEY = "auth";
const SESSION_KEY = "accessToken";

export function createTokenStore(storage: StorageAreas): TokenStore {
  // Memory copy: most calls happen while the worker is warm, and refresh must
  // see the token it just wrote even before storage settles.
  let cache: Tokens | null | undefined;
  return {
    async get() {
      if (cache !== undefined) return cache;
      const local = (await storage.local.get(LOCAL_KEY))[LOCAL_KEY] as Pick<Tokens, "refreshToken" | "account" | "deviceId"> | undefined;
      if (!local) {
        cache = null;
        return cache;
      }
      const session = (await storage.session.get(SESSION_KEY))[SESSION_KEY] as Pick<Tokens, "accessToken" | "accessExpiresAt"> | undefined;
      // After a browser restart there is no access token yet: expired on purpose, so the client refreshes first.
      cache = { accessToken: "", accessExpiresAt: 0, ...session, ...local };
      return cache;
    },
    async set(tokens) {
      cache = tokens;
      if (!tokens) {
        await storage.local.remove(LOCAL_KEY);
        await storage.session.remove(SESSION_KEY);
        return;
      }
      const { accessToken, accessExpiresAt, ...rest } = tokens;
      await storage.local.set({ [LOCAL_KEY]: rest });
      await storage.session.set({ [SESSION_KEY]: { accessToken, accessExpiresAt } });
    },
  };
}
