/**
 * Every route the API serves, in one table: method, path template (OpenAPI
 * form, `{id}`), success status, the request and answer schemas from
 * schemas.ts, and which credential it takes. Clients type their calls from
 * it; worker/test/route-table.test.ts proves it equals what GET /openapi.json
 * declares, so it cannot drift from the worker.
 *
 *   type Body = RouteBody<"POST /v1/tunnel/sessions">;        // { locationId: string }
 *   type Answer = RouteAnswer<"POST /v1/tunnel/sessions">;    // StartSessionResponse
 *   const path = fillPath(ROUTES["POST /v1/tunnel/sessions/{id}/renew"].path, { id });
 *   const answer = ROUTES["GET /v1/me"].answer.parse(await res.json());
 *
 * `request: null` means the route takes no body, `answer: null` that its
 * success has none (204, and the 202s of the email-link routes). Three answers
 * are checked only in outline (JwksResponse, OpenApiDocumentResponse,
 * StripeEventRequest in schemas.ts): they are jose's, OpenAPI's and Stripe's
 * formats, not the contract's.
 */
import type { z } from "zod";
import {
  AccountResponse,
  BillingUrlResponse,
  ChangePasswordRequest,
  CheckoutRequest,
  DeleteMeRequest,
  DeletionConfirmRequest,
  EmailChangeUndoRequest,
  DevicesResponse,
  EmailLinkRequest,
  EndSessionResponse,
  ExportResponse,
  HealthResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JwksResponse,
  LocationsResponse,
  OpenApiDocumentResponse,
  PasswordResetConfirmRequest,
  PatchMeRequest,
  PlansResponse,
  PreloginRequest,
  PreloginResponse,
  RefreshRequest,
  RegisterRequest,
  RenewResponse,
  SignInRequest,
  StartSessionRequest,
  StartSessionResponse,
  StripeEventRequest,
  TelemetryRequest,
  TelemetryResponse,
  TokenResponse,
  UsageBatchRequest,
  UsageBatchResponse,
  UsageQuery,
  UsageResponse,
  VerifyEmailRequest,
  VerifyEmailResponse,
  WebhookResponse,
  RecoveryCodesResponse,
  RenameDeviceRequest,
  SecondFactorRequest,
  SignOutOthersResponse,
  TotpConfirmRequest,
  TotpEnrolRequest,
  TotpEnrolResponse,
  TwoFactorProofRequest,
  TwoFactorStatusResponse,
  DeviceResponse,
  ContactsResponse,
  // issue 18 item 3: passkeys
  Passkey,
  PasskeyListResponse,
  PasskeyRegistrationRequest,
  PasskeySignInOptionsRequest,
  PasskeySignInVerifyRequest,
  PasskeyTicketRequest,
  PasskeyTicketResponse,
  WebAuthnOptions,
} from "./schemas";

export type RouteMethod = "GET" | "POST" | "PATCH" | "DELETE";
/**
 * The credential a route takes, named as the OpenAPI security schemes are:
 * a user's access token (`bearer`), a gateway's own secret
 * (`gatewaySecret`), or none. Both go in `Authorization: Bearer …`.
 */
export type RouteAuth = "none" | "bearer" | "gatewaySecret";

export interface RouteSpec {
  method: RouteMethod;
  path: string;
  status: number;
  auth: RouteAuth;
  request: z.ZodType | null;
  answer: z.ZodType | null;
  /** The query string's schema, on the routes that read one. */
  query?: z.ZodType;
}

export const ROUTE_LIST = [
  // health
  { method: "GET", path: "/v1/health", status: 200, auth: "none", request: null, answer: HealthResponse },
  { method: "GET", path: "/.well-known/jwks.json", status: 200, auth: "none", request: null, answer: JwksResponse },
  { method: "GET", path: "/openapi.json", status: 200, auth: "none", request: null, answer: OpenApiDocumentResponse },
  // accounts and sign-in
  { method: "POST", path: "/v1/accounts", status: 201, auth: "none", request: RegisterRequest, answer: AccountResponse },
  { method: "POST", path: "/v1/auth/prelogin", status: 200, auth: "none", request: PreloginRequest, answer: PreloginResponse },
  { method: "POST", path: "/v1/auth/login", status: 200, auth: "none", request: SignInRequest, answer: TokenResponse },
  { method: "POST", path: "/v1/auth/refresh", status: 200, auth: "none", request: RefreshRequest, answer: TokenResponse },
  { method: "POST", path: "/v1/auth/logout", status: 204, auth: "bearer", request: null, answer: null },
  // the signed-in account
  { method: "GET", path: "/v1/me", status: 200, auth: "bearer", request: null, answer: AccountResponse },
  { method: "PATCH", path: "/v1/me", status: 200, auth: "bearer", request: PatchMeRequest, answer: AccountResponse },
  { method: "GET", path: "/v1/me/export", status: 200, auth: "bearer", request: null, answer: ExportResponse },
  { method: "DELETE", path: "/v1/me", status: 204, auth: "bearer", request: DeleteMeRequest, answer: null },
  // devices
  { method: "GET", path: "/v1/devices", status: 200, auth: "bearer", request: null, answer: DevicesResponse },
  { method: "DELETE", path: "/v1/devices/{id}", status: 204, auth: "bearer", request: null, answer: null },
  // tunnel and usage
  { method: "GET", path: "/v1/locations", status: 200, auth: "bearer", request: null, answer: LocationsResponse },
  { method: "POST", path: "/v1/tunnel/sessions", status: 201, auth: "bearer", request: StartSessionRequest, answer: StartSessionResponse },
  { method: "POST", path: "/v1/tunnel/sessions/{id}/renew", status: 200, auth: "bearer", request: null, answer: RenewResponse },
  { method: "POST", path: "/v1/tunnel/sessions/{id}/end", status: 200, auth: "bearer", request: null, answer: EndSessionResponse },
  { method: "GET", path: "/v1/usage", status: 200, auth: "bearer", request: null, answer: UsageResponse, query: UsageQuery },
  { method: "POST", path: "/v1/telemetry", status: 202, auth: "bearer", request: TelemetryRequest, answer: TelemetryResponse },
  // gateways
  {
    method: "POST",
    path: "/v1/gateway/heartbeat",
    status: 200,
    auth: "gatewaySecret",
    request: HeartbeatRequest,
    answer: HeartbeatResponse,
  },
  { method: "POST", path: "/v1/gateway/usage", status: 200, auth: "gatewaySecret", request: UsageBatchRequest, answer: UsageBatchResponse },
  // plans and purchase
  { method: "GET", path: "/v1/plans", status: 200, auth: "none", request: null, answer: PlansResponse },
  { method: "POST", path: "/v1/billing/checkout", status: 200, auth: "bearer", request: CheckoutRequest, answer: BillingUrlResponse },
  { method: "POST", path: "/v1/billing/portal", status: 200, auth: "bearer", request: null, answer: BillingUrlResponse },
  // Authenticated by its Stripe-Signature header, not a security scheme.
  { method: "POST", path: "/v1/billing/webhook", status: 200, auth: "none", request: StripeEventRequest, answer: WebhookResponse },
  // email
  { method: "POST", path: "/v1/email/verify", status: 200, auth: "none", request: VerifyEmailRequest, answer: VerifyEmailResponse },
  { method: "POST", path: "/v1/me/email/verification", status: 202, auth: "bearer", request: null, answer: null },
  { method: "POST", path: "/v1/me/password", status: 204, auth: "bearer", request: ChangePasswordRequest, answer: null },
  { method: "POST", path: "/v1/auth/password-reset", status: 202, auth: "none", request: EmailLinkRequest, answer: null },
  {
    method: "POST",
    path: "/v1/auth/password-reset/confirm",
    status: 204,
    auth: "none",
    request: PasswordResetConfirmRequest,
    answer: null,
  },
  { method: "POST", path: "/v1/auth/deletion-request", status: 202, auth: "none", request: EmailLinkRequest, answer: null },
  { method: "POST", path: "/v1/auth/deletion-request/confirm", status: 204, auth: "none", request: DeletionConfirmRequest, answer: null },
  // two-factor sign-in and sign-ins you can see and end (issue 18)
  { method: "POST", path: "/v1/auth/second-factor", status: 200, auth: "none", request: SecondFactorRequest, answer: TokenResponse },
  { method: "GET", path: "/v1/me/two-factor", status: 200, auth: "bearer", request: null, answer: TwoFactorStatusResponse },
  { method: "POST", path: "/v1/me/two-factor/totp", status: 200, auth: "bearer", request: TotpEnrolRequest, answer: TotpEnrolResponse },
  {
    method: "POST",
    path: "/v1/me/two-factor/totp/confirm",
    status: 200,
    auth: "bearer",
    request: TotpConfirmRequest,
    answer: RecoveryCodesResponse,
  },
  {
    method: "POST",
    path: "/v1/me/two-factor/recovery-codes",
    status: 200,
    auth: "bearer",
    request: TwoFactorProofRequest,
    answer: RecoveryCodesResponse,
  },
  { method: "DELETE", path: "/v1/me/two-factor", status: 204, auth: "bearer", request: TwoFactorProofRequest, answer: null },
  { method: "PATCH", path: "/v1/devices/{id}", status: 200, auth: "bearer", request: RenameDeviceRequest, answer: DeviceResponse },
  { method: "POST", path: "/v1/me/sign-out-others", status: 200, auth: "bearer", request: null, answer: SignOutOthersResponse },
  { method: "GET", path: "/v1/contacts", status: 200, auth: "none", request: null, answer: ContactsResponse },
  // issue 20: the old address's link undoes an email change
  { method: "POST", path: "/v1/email/change/undo", status: 204, auth: "none", request: EmailChangeUndoRequest, answer: null },
  // issue 18 item 3: passkeys as a second factor
  { method: "POST", path: "/v1/me/passkey-tickets", status: 200, auth: "bearer", request: null, answer: PasskeyTicketResponse },
  { method: "GET", path: "/v1/me/passkeys", status: 200, auth: "bearer", request: null, answer: PasskeyListResponse },
  { method: "DELETE", path: "/v1/me/passkeys/{id}", status: 204, auth: "bearer", request: null, answer: null },
  {
    method: "POST",
    path: "/v1/passkeys/registration/options",
    status: 200,
    auth: "none",
    request: PasskeyTicketRequest,
    answer: WebAuthnOptions,
  },
  {
    method: "POST",
    path: "/v1/passkeys/registration/verify",
    status: 200,
    auth: "none",
    request: PasskeyRegistrationRequest,
    answer: Passkey,
  },
  {
    method: "POST",
    path: "/v1/auth/passkey/options",
    status: 200,
    auth: "none",
    request: PasskeySignInOptionsRequest,
    answer: WebAuthnOptions,
  },
  { method: "POST", path: "/v1/auth/passkey/verify", status: 204, auth: "none", request: PasskeySignInVerifyRequest, answer: null },
] as const satisfies readonly RouteSpec[];

type AnyRoute = (typeof ROUTE_LIST)[number];
type KeyOf<R extends { method: string; path: string }> = `${R["method"]} ${R["path"]}`;

/** The table by key. */
export type Routes = { [R in AnyRoute as KeyOf<R>]: R };
/** A route's key: its method and path template, e.g. `"POST /v1/auth/login"`. */
export type RouteKey = keyof Routes;
export type Route<K extends RouteKey> = Routes[K];

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

export const ROUTES = Object.fromEntries(ROUTE_LIST.map((route) => [routeKey(route), route])) as Routes;

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
/** The names of a path template's parameters: `"id"` for `/v1/devices/{id}`, never for a path without any. */
export type RouteParamName<K extends RouteKey> = ParamNames<Route<K>["path"]>;
/** A route's path parameters, each a string. */
export type RouteParams<K extends RouteKey> = { [N in RouteParamName<K>]: string };
/** What a client may send as the route's body (z.input: before the API normalises it); undefined when it takes none. */
export type RouteBody<K extends RouteKey> = Route<K>["request"] extends z.ZodType ? z.input<Route<K>["request"]> : undefined;
/** What the route's success answer parses to (z.output); undefined when it has no body. */
export type RouteAnswer<K extends RouteKey> = Route<K>["answer"] extends z.ZodType ? z.output<Route<K>["answer"]> : undefined;
/** The route's query parameters as a client sends them; undefined when it reads none. */
export type RouteQuery<K extends RouteKey> = Route<K> extends { query: infer Q extends z.ZodType } ? z.input<Q> : undefined;

/** The names of a path template's parameters, in order. */
export function pathParamNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** A path template with each `{name}` replaced by its value, percent-encoded; a missing value throws. */
export function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template}: no value for path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
