/**
 * How the body of a browser's request is delimited, decided once from what
 * Node's parser (llhttp) read, so the gateway frames the forwarded request
 * itself and the destination cannot read the body differently (request
 * smuggling, RFC 9112 §6.3 and §11.2).
 *
 *   const framing = requestFraming(req);
 *   if (!framing) refuse400();                       // ambiguous: two parsers could disagree
 *   headers.push(...framingHeader(framing));          // after dropping the browser's own
 *
 * llhttp already refuses Content-Length together with Transfer-Encoding,
 * repeated or non-numeric Content-Length, codings other than a final
 * `chunked`, bare LF and obs-fold. What it lets through and this refuses:
 * any coding besides `chunked` itself (`gzip, chunked`: the gateway would
 * have to forward a coding it does not apply), and Transfer-Encoding in an
 * HTTP/1.0 request (§6.1: such framing is faulty).
 *
 * Node's client leaves bodies of GET, HEAD, DELETE, OPTIONS and TRACE
 * unframed unless told, which is why the framing header is always set
 * explicitly rather than copied.
 */
import type http from "node:http";

export type RequestFraming = { body: "none" } | { body: "length"; length: number } | { body: "chunked" };

/** The request's framing, or null when it is ambiguous and must be refused. */
export function requestFraming(req: http.IncomingMessage): RequestFraming | null {
  let lengths = 0;
  let codings = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (name === "content-length") lengths++;
    else if (name === "transfer-encoding") codings++;
  }
  if (lengths > 1 || codings > 1 || (lengths > 0 && codings > 0)) return null;
  if (codings === 1) {
    if (req.httpVersion !== "1.1") return null;
    return req.headers["transfer-encoding"]?.trim().toLowerCase() === "chunked" ? { body: "chunked" } : null;
  }
  if (lengths === 1) {
    const raw = req.headers["content-length"]?.trim() ?? "";
    if (!/^\d{1,15}$/.test(raw)) return null;
    return { body: "length", length: Number(raw) };
  }
  return { body: "none" };
}

/** The one framing header the forwarded request carries (none for a request without a body). */
export function framingHeader(framing: RequestFraming): string[] {
  if (framing.body === "chunked") return ["Transfer-Encoding", "chunked"];
  if (framing.body === "length") return ["Content-Length", String(framing.length)];
  return [];
}

/** True when the request carries no body bytes. */
export function isBodiless(framing: RequestFraming): boolean {
  return framing.body === "none" || (framing.body === "length" && framing.length === 0);
}
