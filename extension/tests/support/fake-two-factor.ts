/**
 * The fake API's two-factor sign-in (issue 18), for unit tests: real RFC 6238
 * codes (otpauth, as the worker uses), each step accepted once, single-use
 * challenges and recovery codes. Tests compute codes with `codeFor`.
 */
import { Secret, TOTP } from "otpauth";

interface TwoFactorRecord {
  secret: string;
  enabled: boolean;
  lastStep: number;
  recovery: Set<string>;
}

const totp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });

/** The code an authenticator app shows for `secret`, `steps` periods from now. */
export function codeFor(secret: string, steps = 0): string {
  return totp(secret).generate({ timestamp: Date.now() + steps * 30_000 });
}

export function createFakeTwoFactor() {
  const records = new Map<string, TwoFactorRecord>();
  const challenges = new Map<string, { username: string; request: unknown }>();
  let seq = 0;

  /** "ok", or why the code is refused; a right code spends its step. */
  function accept(username: string, code: string, pending = false): "ok" | "wrong" | "reused" {
    const record = records.get(username);
    if (!record || record.enabled === pending) return "wrong";
    const generator = totp(record.secret);
    const delta = generator.validate({ token: code, window: 1 });
    if (delta === null) return "wrong";
    const step = generator.counter() + delta;
    if (step <= record.lastStep) return "reused";
    record.lastStep = step;
    if (pending) record.enabled = true;
    return "ok";
  }

  return {
    records,
    enabled: (username: string) => records.get(username)?.enabled === true,
    start(username: string) {
      const secret = new Secret({ size: 20 }).base32;
      records.set(username, { secret, enabled: false, lastStep: -1, recovery: new Set() });
      return secret;
    },
    accept,
    newRecoveryCodes(username: string): string[] {
      const codes = Array.from({ length: 10 }, (_, i) => `rcv${String(++seq).padStart(2, "0")}-${String(i).padStart(5, "0")}`.slice(0, 11));
      records.get(username)!.recovery = new Set(codes.map((c) => c.replace("-", "")));
      return codes;
    },
    spendRecoveryCode(username: string, code: string): boolean {
      return records.get(username)?.recovery.delete(code.replace(/[\s-]/g, "").toLowerCase()) === true;
    },
    disable: (username: string) => records.delete(username),
    challenge(username: string, request: unknown) {
      const challenge = `ch-${++seq}`;
      challenges.set(challenge, { username, request });
      return { challenge, challengeExpiresAt: new Date(Date.now() + 300_000).toISOString(), methods: ["totp", "recovery_code"] };
    },
    /** The pending sign-in, without using it up. */
    peek: (challenge: string) => challenges.get(challenge),
    consume: (challenge: string) => challenges.delete(challenge),
  };
}
