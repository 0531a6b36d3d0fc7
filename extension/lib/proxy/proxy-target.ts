/** Where the tunnel goes: the gateway the API handed out for this session. */
export interface ProxyTarget {
  scheme: "https" | "http";
  host: string;
  port: number;
}

/**
 * Where this browser connects to a gateway the API handed out. Firefox goes to
 * the gateway's HTTP/1.1-only port when it has one (`http1Port`, docs/api.md):
 * its tunnels over an HTTP/2 proxy stall for good on large downloads. Chrome
 * goes to `port`, which offers h2 as well. Chosen once, when a session starts,
 * so the proxy settings, the 407 answers and the session ends all name the
 * port the browser really uses.
 */
export function proxyForBrowser(kind: "chrome" | "firefox", proxy: ProxyTarget & { http1Port?: number }): ProxyTarget {
  const port = kind === "firefox" && proxy.http1Port ? proxy.http1Port : proxy.port;
  return { scheme: proxy.scheme, host: proxy.host, port };
}

export const sameProxy = (a: { host: string; port: number }, b: { host: string; port: number }): boolean =>
  a.host.replace(/^\[|\]$/g, "").toLowerCase() === b.host.replace(/^\[|\]$/g, "").toLowerCase() && Number(a.port) === Number(b.port);
