/** Registration. */
import { createRoute } from "@hono/zod-openapi";
import { AccountResponse, RegisterRequest } from "@cargo-vpn/shared";
import { registerAccount } from "../accounts/register";
import { Problem } from "../problem";
import { clientAddress, jsonBody, jsonResponse, problems, router } from "../http/router";

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
    const account = await registerAccount(c.get("ctx"), body, clientAddress(c.req.header("cf-connecting-ip")));
    return c.json({ account }, 201);
  },
);
