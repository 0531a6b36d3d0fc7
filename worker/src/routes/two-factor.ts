/** Two-factor sign-in (issue 18): the second step of a sign-in, and turning TOTP on and off. */
import { createRoute } from "@hono/zod-openapi";
import {
  RecoveryCodesResponse,
  SecondFactorRequest,
  TokenResponse,
  TotpConfirmRequest,
  TotpEnrolRequest,
  TotpEnrolResponse,
  TwoFactorProofRequest,
  TwoFactorStatusResponse,
} from "@cargo-vpn/shared";
import { noticeIfNewDevice } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { authenticate } from "../http/authenticate";
import { bearer, clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";
import {
  confirmTotpEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTotpEnrolment,
  twoFactorStatus,
} from "../two-factor/enrolment";
import { noticeRecoveryCodeUsed } from "../two-factor/notices";
import { completeSecondFactor } from "../two-factor/second-factor-sign-in";

export const twoFactorRoutes = router();

twoFactorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/second-factor",
    operationId: "completeSecondFactor",
    tags: ["auth"],
    summary: "Finish a two-factor sign-in with a TOTP code or a recovery code",
    request: jsonBody(SecondFactorRequest),
    responses: {
      200: jsonResponse("Tokens for this device", TokenResponse),
      ...problems(
        "validation_failed",
        "malformed_json",
        "invalid_code",
        "invalid_challenge",
        "device_limit",
        "rate_limited",
        "second_factor_pending",
      ),
    },
  }),
  async (c) => {
    const ctx = c.get("ctx");
    const { signedIn, row, recoveryCodeUsed } = await completeSecondFactor(ctx, c.req.valid("json"));
    if (recoveryCodeUsed) await noticeRecoveryCodeUsed(ctx, row, recoveryCodeUsed.device, recoveryCodeUsed.codesLeft);
    await bestEffort(noticeIfNewDevice(ctx, signedIn));
    return c.json(signedIn, 200);
  },
);

twoFactorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/me/two-factor",
    operationId: "getTwoFactor",
    tags: ["account"],
    summary: "Whether two-factor sign-in is on, and how many recovery codes are left",
    security: bearer,
    middleware: [authenticate] as const,
    responses: { 200: jsonResponse("Two-factor state", TwoFactorStatusResponse), ...problems("unauthorized") },
  }),
  async (c) => c.json(await twoFactorStatus(c.get("ctx"), c.get("account")), 200),
);

twoFactorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/two-factor/totp",
    operationId: "startTotpEnrolment",
    tags: ["account"],
    summary: "Start enrolling an authenticator app: a new secret, until a first code confirms it",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(TotpEnrolRequest),
    responses: {
      200: jsonResponse("The secret and its otpauth:// URI", TotpEnrolResponse),
      ...problems("unauthorized", "invalid_credentials", "two_factor_enabled", "validation_failed", "malformed_json", "rate_limited"),
    },
  }),
  async (c) => {
    const { authKey, accountName } = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    return c.json(await startTotpEnrolment(c.get("ctx"), c.get("account"), c.get("auth").deviceId, authKey, client, accountName), 200);
  },
);

twoFactorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/two-factor/totp/confirm",
    operationId: "confirmTotpEnrolment",
    tags: ["account"],
    summary: "Confirm the enrolment with a first code: two-factor sign-in is on, and the ten recovery codes are shown once",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(TotpConfirmRequest),
    responses: {
      200: jsonResponse("The recovery codes, shown this once", RecoveryCodesResponse),
      ...problems(
        "unauthorized",
        "invalid_code",
        "two_factor_enabled",
        "two_factor_not_enabled",
        "validation_failed",
        "malformed_json",
        "rate_limited",
      ),
    },
  }),
  async (c) => {
    const { code } = c.req.valid("json");
    return c.json(await confirmTotpEnrolment(c.get("ctx"), c.get("account"), code), 200);
  },
);

twoFactorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/me/two-factor/recovery-codes",
    operationId: "regenerateRecoveryCodes",
    tags: ["account"],
    summary: "Replace every recovery code with ten new ones (the password and a current code)",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(TwoFactorProofRequest),
    responses: {
      200: jsonResponse("The new recovery codes, shown this once", RecoveryCodesResponse),
      ...problems(
        "unauthorized",
        "invalid_credentials",
        "invalid_code",
        "two_factor_not_enabled",
        "validation_failed",
        "malformed_json",
        "rate_limited",
      ),
    },
  }),
  async (c) => {
    const proof = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    return c.json(await regenerateRecoveryCodes(c.get("ctx"), c.get("account"), c.get("auth").deviceId, proof, client), 200);
  },
);

twoFactorRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/v1/me/two-factor",
    operationId: "disableTwoFactor",
    tags: ["account"],
    summary: "Turn two-factor sign-in off (the password and a current code); the recovery codes stop working",
    security: bearer,
    middleware: [authenticate] as const,
    request: jsonBody(TwoFactorProofRequest),
    responses: {
      204: { description: "Two-factor sign-in is off" },
      ...problems(
        "unauthorized",
        "invalid_credentials",
        "invalid_code",
        "two_factor_not_enabled",
        "validation_failed",
        "malformed_json",
        "rate_limited",
      ),
    },
  }),
  async (c) => {
    const proof = c.req.valid("json");
    const client = clientAddress(c.req.header("cf-connecting-ip"));
    await disableTwoFactor(c.get("ctx"), c.get("account"), c.get("auth").deviceId, proof, client);
    return c.body(null, 204);
  },
);
