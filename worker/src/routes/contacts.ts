/**
 * The privacy policy's contact addresses, from configuration (PRIVACY_EMAIL,
 * ABUSE_EMAIL): the extension fills them into the policy it shows, and
 * GET /account/privacy serves the policy already filled.
 */
import { createRoute } from "@hono/zod-openapi";
import { ContactsResponse, fillPolicy } from "@cargo-vpn/shared";
import policy from "../../../docs/privacy-policy.txt";
import { PAGE_SECURITY_HEADERS } from "../pages/page-shell";
import { jsonResponse, router } from "../http/router";

export const contactRoutes = router();

contactRoutes.openapi(
  createRoute({
    method: "get",
    path: "/v1/contacts",
    operationId: "getContacts",
    summary: "The privacy and abuse addresses the privacy policy names",
    tags: ["health"],
    responses: { 200: jsonResponse("The policy's contacts", ContactsResponse) },
  }),
  (c) => c.json(c.get("ctx").settings.contacts, 200),
);

/** The policy as plain text with its contacts filled: one copy of the text, shown as written. Not an API route. */
contactRoutes.get("/account/privacy", (c) =>
  c.body(fillPolicy(policy, c.get("ctx").settings.contacts), 200, {
    ...PAGE_SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
  }),
);
