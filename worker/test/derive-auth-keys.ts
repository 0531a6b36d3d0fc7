/**
 * Runs in Node before the workerd tests: derives authKeys with the project's
 * real client code (shared/kdf.ts, 600000 PBKDF2 iterations), which workerd
 * itself refuses to run, and hands them to the tests.
 */
import { deriveAuthKey, deriveClientKeys, newKdfParams } from "@cargo-vpn/shared";
import type { TestProject } from "vitest/node";

export interface TestCredential {
  password: string;
  salt: string;
  iterations: number;
  authKey: string;
  /** The authKey of a different password under the same salt. */
  wrongAuthKey: string;
  /** The key the client seals the username with (shared/src/username-seal.ts); never sent. */
  usernameKey: string;
}

export default async function setup(project: TestProject) {
  const credentials: TestCredential[] = [];
  for (const password of ["correct horse battery staple", "pässwörd-ñ-🔑", "hunter2-but-longer"]) {
    const kdf = newKdfParams();
    const keys = await deriveClientKeys(password, kdf);
    credentials.push({
      password,
      ...kdf,
      authKey: keys.authKey,
      usernameKey: keys.usernameKey,
      wrongAuthKey: await deriveAuthKey(`${password}!`, kdf),
    });
  }
  project.provide("credentials", credentials);
}
