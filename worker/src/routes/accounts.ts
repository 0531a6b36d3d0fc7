/** Registration. */
import { createRoute } from "@hono/zod-openapi";
import { AccountResponse, RegisterRequest } from "@cargo-vpn/shared";
import { accountView, assertAvailable, createAccount } from "../accounts/accounts";
import { serverKeys } from "../crypto/keys";
import { database } from "../db/client";
import { sendVerificationLink } from "../email/mailer";
import { bestEffort } from "../email/outbox";
import { Problem } from "../http/problem";
import { clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";
import { limitClient } from "../throttle/client-limits";

export const accountRoutes = router();

accountRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/accounts",
    operationId: "register",
    tags: ["accounts"],
    summary: "Create an account",
    request: jsonBody(RegisterRequest),
    responses: {
      201: jsonResponse("The new account", AccountResponse),
      ...problems(
        "validation_failed",
        "malformed_json",
        "username_taken",
        "email_taken",
        "age_requirement",
        "payload_too_large",
        "unsupported_media_type",
        "rate_limited",
      ),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (body.ageConfirmed !== true) {
      throw new Problem("age_requirement", "Cargo VPN is only for people aged 13 or older. Confirm your age to register.");
    }
    const db = database(c.env);
    const keys = await serverKeys(c.env);
    await limitClient(c.env, keys, "register", clientAddress(c.req.header("cf-connecting-ip")));
    await assertAvailable(db, keys, body.username, body.email);
    const row = await createAccount(db, keys, body);
    await bestEffort(sendVerificationLink(c.env, db, row, body.email));
    return c.json({ account: await accountView(keys, row) }, 201);
  },
);
