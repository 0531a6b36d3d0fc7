/** Where the tunnel goes: the gateway the API handed out for this session. */
export interface ProxyTarget {
  scheme: "https" | "http";
  host: string;
  port: number;
}

export const sameProxy = (a: { host: string; port: number }, b: { host: string; port: number }): boolean =>
  a.host.replace(/^\[|\]$/g, "").toLowerCase() === b.host.replace(/^\[|\]$/g, "").toLowerCase() && Number(a.port) === Number(b.port);
