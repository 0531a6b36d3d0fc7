/**
 * The key-encryption key ring: `DATA_KEK` (version `DATA_KEK_VERSION`,
 * default 1) wraps every new or re-wrapped data key; `DATA_KEK_PREVIOUS`
 * (optional, one version lower) only unwraps, while accounts are being
 * re-wrapped. Free of worker bindings, so the operator's re-wrap command
 * (scripts/ops.ts) loads the very same ring in Node.
 */
import { fromBase64Url } from "@cargo-vpn/shared";

/** A key-encryption key and the version stored beside every data key it wraps. */
export interface VersionedKek {
  version: number;
  key: CryptoKey;
}

export interface KeyEncryptionKeys {
  /** Wraps every new or re-wrapped data key. */
  current: VersionedKek;
  /** Only unwraps: present while accounts are being re-wrapped. */
  previous?: VersionedKek;
}

export interface KekSecrets {
  DATA_KEK: string;
  DATA_KEK_VERSION?: string | undefined;
  DATA_KEK_PREVIOUS?: string | undefined;
}

const present = (value: string | undefined) => (value?.trim() ? value : undefined);

function kekBytes(name: string, value: string | undefined): Uint8Array<ArrayBuffer> {
  const bytes = value ? fromBase64Url(value) : new Uint8Array();
  if (bytes.length !== 32) throw new Error(`secret ${name} must be 32 bytes as base64url`);
  return bytes;
}

function kekVersion(value: string | undefined): number {
  const version = Number(present(value) ?? "1");
  if (!Number.isInteger(version) || version < 1) throw new Error("DATA_KEK_VERSION must be a whole number of at least 1");
  return version;
}

const importKek = (name: string, value: string | undefined) =>
  crypto.subtle.importKey("raw", kekBytes(name, value), "AES-GCM", false, ["encrypt", "decrypt"]);

export async function loadKek(env: KekSecrets): Promise<KeyEncryptionKeys> {
  const version = kekVersion(env.DATA_KEK_VERSION);
  const current = { version, key: await importKek("DATA_KEK", env.DATA_KEK) };
  const previousValue = present(env.DATA_KEK_PREVIOUS);
  if (!previousValue) return { current };
  if (version < 2) throw new Error("DATA_KEK_PREVIOUS needs DATA_KEK_VERSION of 2 or more (the previous key is one version lower)");
  return { current, previous: { version: version - 1, key: await importKek("DATA_KEK_PREVIOUS", previousValue) } };
}
