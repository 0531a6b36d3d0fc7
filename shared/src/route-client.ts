/**
 * The one client of the API, built from the route table (routes.ts): a
 * route's key picks its method, path template, credential and schemas, so a
 * call cannot pair a path with the wrong body or answer.
 *
 *   const api = routeClient({ baseUrl: () => settings.apiUrl, fetch });
 *   const opened = await api.call("POST /v1/tunnel/sessions", { token, body: { locationId } }); // StartSessionResponse
 *   const response = await api.send("POST /v1/auth/refresh", { body });  // to look at the status first
 *   const tokens = await api.read("POST /v1/auth/refresh", response);
 *
 * Every failure is an ApiError (api-error.ts): `network` when no answer came
 * (`timedOut` when the timeout gave up), the problem+json's code on any other
 * status than 2xx, `bad_response` when a success does not match the route's
 * answer schema, so no caller ever uses an answer half-read.
 */
import { ApiError } from "./api-error";
import { isProblemBody } from "./problems";
import { problemInfo } from "./problem-info";
import {
  fillPath,
  ROUTES,
  type Route,
  type RouteAnswer,
  type RouteBody,
  type RouteKey,
  type RouteParamName,
  type RouteParams,
  type RouteQuery,
  type RouteSpec,
} from "./routes";

type Credential<K extends RouteKey> = Route<K>["auth"] extends "none" ? { token?: never } : { token: string };
type Params<K extends RouteKey> = [RouteParamName<K>] extends [never] ? { params?: never } : { params: RouteParams<K> };
type Body<K extends RouteKey> = Route<K>["request"] extends null ? { body?: never } : { body: RouteBody<K> };
type Query<K extends RouteKey> = RouteQuery<K> extends undefined ? { query?: never } : { query?: RouteQuery<K> };

/**
 * What a call to route K takes: `token` (the access token, or a gateway's
 * secret on the gateway routes) exactly when the route has a credential,
 * `params`, `body` and `query` exactly when it has them, and any extra headers.
 */
export type RequestOptions<K extends RouteKey> = Credential<K> & Params<K> & Body<K> & Query<K> & { headers?: Record<string, string> };
/** The options argument: optional when the route needs none of them. */
export type OptionsArgument<K extends RouteKey> =
  Partial<RequestOptions<K>> extends RequestOptions<K> ? [options?: RequestOptions<K>] : [options: RequestOptions<K>];

/** RequestOptions with the types forgotten: what the request is built from. */
interface LooseOptions {
  token?: string;
  params?: Readonly<Record<string, string>>;
  body?: unknown;
  query?: Readonly<Record<string, unknown>>;
  headers?: Record<string, string>;
}

export interface RouteClientDeps {
  /** The API's origin (a trailing slash is dropped); a function for one read from settings or known only once a stack has started. */
  baseUrl: string | (() => string | Promise<string>);
  /** Injected so the extension's tests can hand in their fake API and the browser's own is called unbound. */
  fetch?: typeof fetch;
  /** Headers every request carries (the extension asks for JSON). */
  headers?: Record<string, string>;
  /** Fields every request carries: the extension sends no cookies and takes nothing from a cache. */
  init?: { credentials?: "omit" | "same-origin" | "include"; cache?: "default" | "no-store" | "reload" | "no-cache" };
  /** Give up a request after this long (the gateway's calls must not hang its heartbeat); none when unset. */
  timeoutMs?: number;
}

function routeOf(key: RouteKey): RouteSpec {
  const route: RouteSpec | undefined = ROUTES[key];
  if (!route) throw new Error(`${key} is not in the route table`);
  return route;
}

/** The URL of a call: the path template filled (each value percent-encoded), then the query's defined values. */
export function routeUrl(base: string, key: RouteKey, options: Pick<LooseOptions, "params" | "query"> = {}): string {
  const path = fillPath(routeOf(key).path, options.params);
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) query.set(name, String(value));
  return `${base.replace(/\/+$/, "")}${path}${query.size > 0 ? `?${query}` : ""}`;
}

/**
 * A body as JSON, or undefined when there is none, it is not JSON (a proxy's
 * page, a captive portal's) or it was cut off (the timeout fired while it was
 * read): a caller gets bad_response or the status, never a raw stream error.
 */
async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A failed answer as the one error: the problem's info, and its code as written for logs. */
async function failure(response: Response): Promise<ApiError> {
  const json = await readJson(response);
  return new ApiError(problemInfo(response, json), { problemCode: isProblemBody(json) ? json.code : undefined });
}

export function routeClient(deps: RouteClientDeps) {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const baseUrl = async () => (typeof deps.baseUrl === "string" ? deps.baseUrl : deps.baseUrl());

  /** Sends the call; the Response whatever its status, so a caller can look at a 401 before it is read. */
  async function send<K extends RouteKey>(key: K, ...[options]: OptionsArgument<K>): Promise<Response> {
    const loose = (options ?? {}) as LooseOptions;
    const headers: Record<string, string> = { ...deps.headers, ...loose.headers };
    if (loose.body !== undefined) headers["content-type"] = "application/json";
    if (loose.token !== undefined) headers.authorization = `Bearer ${loose.token}`;
    const url = routeUrl(await baseUrl(), key, loose);
    try {
      return await doFetch(url, {
        method: routeOf(key).method,
        headers,
        ...(loose.body !== undefined ? { body: JSON.stringify(loose.body) } : {}),
        ...deps.init,
        ...(deps.timeoutMs !== undefined ? { signal: AbortSignal.timeout(deps.timeoutMs) } : {}),
      });
    } catch (error) {
      const timedOut = (error as Error | undefined)?.name === "TimeoutError";
      throw new ApiError({ code: "network", status: 0 }, { timedOut, cause: error });
    }
  }

  /** The answer of route K read: its parsed success body (undefined for a route with none), or the ApiError. */
  async function read<K extends RouteKey>(key: K, response: Response): Promise<RouteAnswer<K>> {
    if (!response.ok) throw await failure(response);
    const schema = routeOf(key).answer;
    if (schema === null) return undefined as RouteAnswer<K>;
    const parsed = schema.safeParse(await readJson(response));
    // Not what the contract promises (a captive portal's page, a proxy's error, an API newer than us): never use it half-read.
    if (!parsed.success) throw new ApiError({ code: "bad_response", status: response.status });
    return parsed.data as RouteAnswer<K>;
  }

  return {
    send,
    read,
    /** send, then read. */
    async call<K extends RouteKey>(key: K, ...options: OptionsArgument<K>): Promise<RouteAnswer<K>> {
      return read(key, await send(key, ...options));
    },
  };
}

export type RouteClient = ReturnType<typeof routeClient>;
