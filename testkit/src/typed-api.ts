/**
 * The typed API client of the tests: one call per route of the table in
 * @cargo-vpn/shared (shared/src/routes.ts), its options typed from that
 * route, its answer PARSED with the route's answer schema.
 *
 *   const call = apiClient(() => env.stack.apiUrl);
 *   const opened = await call("POST /v1/tunnel/sessions", { token, body: { locationId } }); // StartSessionResponse
 *   await call("POST /v1/tunnel/sessions/{id}/renew", { token, params: { id: opened.session.id } });
 *   await expect(call("POST /v1/auth/login", { body })).rejects.toMatchObject({ status: 409, code: "device_limit" });
 *
 * Any status but the route's success status throws an ApiFailure (status,
 * problem code, the problem); a success whose body does not match the schema
 * throws an ApiAnswerMismatch naming the route. A route that takes a body,
 * path parameters or a credential will not type-check without them. For
 * deliberately malformed requests and for headers, use api() in api-client.ts.
 * The request is built and sent by the shared route client
 * (shared/src/route-client.ts); only this stricter reading is the tests' own.
 */
import { Problem, type ProblemCode, ROUTES, type RouteAnswer, type RouteKey, type RouteSpec } from "@cargo-vpn/shared";
import { type OptionsArgument, routeClient } from "@cargo-vpn/shared/route-client";

/** The problem an API error carries (RFC 9457), as the contract's Problem schema parses it. */
export type ProblemAnswer = ReturnType<typeof Problem.parse>;

/** The API answered a status other than the route's success: a refusal (a problem) or another outcome. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  /** The problem's code; undefined when the body is not a problem. */
  readonly code: ProblemCode | undefined;
  /** The problem as the contract's schema parses it; undefined when the body is not one. */
  readonly problem: ProblemAnswer | undefined;

  constructor(
    readonly route: RouteKey,
    readonly status: number,
    readonly expectedStatus: number,
    /** The answer's body, parsed as JSON when it is JSON (null when empty). */
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    const parsed = Problem.safeParse(body);
    const problem = parsed.success ? parsed.data : undefined;
    super(
      `${route} answered ${status}${problem ? ` ${problem.code}: ${problem.detail}` : ""} (expected ${expectedStatus})${
        problem ? "" : `: ${JSON.stringify(body)?.slice(0, 300)}`
      }`,
    );
    this.problem = problem;
    this.code = problem?.code;
  }
}

/** The API answered the route's success status with a body its answer schema refuses. */
export class ApiAnswerMismatch extends Error {
  override readonly name = "ApiAnswerMismatch";
  constructor(
    readonly route: RouteKey,
    readonly status: number,
    readonly body: string,
    why: string,
  ) {
    super(`${route} answered ${status} with a body that does not match its schema: ${why}`);
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Calls route `key` of the API at `base`; answers the parsed success body (undefined for a route with none). */
export async function request<K extends RouteKey>(base: string, key: K, ...options: OptionsArgument<K>): Promise<RouteAnswer<K>> {
  const route: RouteSpec | undefined = ROUTES[key];
  if (!route) throw new Error(`${key} is not in the route table`);
  // Built and sent by the shared client, as every client's calls are; read here strictly (the exact status, no body
  // where none is due), because a test asserts the contract rather than tolerating what a client may.
  const res = await routeClient({ baseUrl: base }).send(key, ...options);
  const text = await res.text();
  const json = parseJson(text);
  if (res.status !== route.status) throw new ApiFailure(key, res.status, route.status, json.ok ? json.value : text, res.headers);
  if (route.answer === null) {
    if (text !== "") throw new ApiAnswerMismatch(key, res.status, text, "expected no body");
    return undefined as RouteAnswer<K>;
  }
  if (!json.ok) throw new ApiAnswerMismatch(key, res.status, text, `not JSON: ${text.slice(0, 200)}`);
  const parsed = route.answer.safeParse(json.value);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(the body)"}: ${issue.message}`).join("; ");
    throw new ApiAnswerMismatch(key, res.status, text, why);
  }
  return parsed.data as RouteAnswer<K>;
}

/** `request` bound to one API; `base` may be a function for a URL known only once the stack has started. */
export function apiClient(base: string | (() => string)) {
  return <K extends RouteKey>(key: K, ...options: OptionsArgument<K>): Promise<RouteAnswer<K>> =>
    request(typeof base === "string" ? base : base(), key, ...options);
}
