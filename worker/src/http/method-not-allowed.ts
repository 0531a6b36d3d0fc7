/**
 * The answer for a request no route takes: 405 method_not_allowed with an
 * `Allow` header when the path exists under other methods, else 404
 * not_found. The allowed methods come from the app's registered routes, so
 * a new route is reflected without a hand-kept list.
 *
 *   app.notFound(notFoundOrMethodNotAllowed(app));   // after, or before, the routes are added
 */
import type { NotFoundHandler } from "hono";
import { METHOD_NAME_ALL } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";
import { Problem } from "../problem";

/** What this needs of a Hono app, whatever its bindings: the routes it registered. */
interface RoutedApp {
  routes: readonly { method: string; path: string }[];
}

function methodsByPath(app: RoutedApp): TrieRouter<string> {
  const router = new TrieRouter<string>();
  for (const route of app.routes) {
    // Middleware is registered under ALL; only real handlers say a method exists.
    if (route.method === METHOD_NAME_ALL) continue;
    router.add(METHOD_NAME_ALL, route.path, route.method.toUpperCase());
  }
  return router;
}

export function notFoundOrMethodNotAllowed(app: RoutedApp): NotFoundHandler {
  let router: TrieRouter<string> | undefined;
  return (c) => {
    router ??= methodsByPath(app);
    const [matches] = router.match(c.req.method, c.req.path);
    const methods = new Set(matches.map(([method]) => method));
    if (methods.size === 0) return new Problem("not_found", "There is nothing at this path.").toResponse();
    if (methods.has("GET")) methods.add("HEAD");
    const allow = [...methods].sort().join(", ");
    return new Problem("method_not_allowed", `This path answers ${allow} only.`, {}, { allow }).toResponse();
  };
}
