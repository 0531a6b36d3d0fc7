/**
 * The proxy for HTTP/2 streams (a browser that negotiated `h2` with the TLS
 * listener, h2-listener.ts): each `CONNECT` stream is one tunnel (RFC 9113
 * §8.5), and each other request with `:scheme http` is what an absolute-URI
 * request is on HTTP/1.1. Both take the same admission as HTTP/1.1
 * (admission.ts), count against the same per-session flow cap and are
 * counted the same way: a tunnel by its own destination socket (tunnel.ts,
 * the Tunnel class with the stream as its browser side), a request by the
 * session's pool (h2-forward.ts).
 *
 *   const streams = new H2Streams(deps);
 *   http2Server.on("stream", (stream, headers) => streams.onStream(stream, headers));
 *
 * Refusals are answered on the stream alone (the connection carries the
 * browser's other tunnels): the status, the same short text as HTTP/1.1 and,
 * for 407, `proxy-authenticate`.
 */
import type http2 from "node:http2";
import { Admissions, AT_CAP, parseAbsoluteUri, parseAuthority, type AbsoluteTarget, type Refusal, refusalHeaders } from "../admission";
import { streamAnswer } from "./h2-answers";
import { H2ForwardedRequest } from "./h2-forward";
import { errorClass } from "../../logger";
import { answerH2Ping, isH2Ping } from "../ping";
import { endSession, isH2SessionEnd } from "../session-end";
import type { ProxyDeps } from "../proxy-handler";
import { DialError, Tunnel } from "../tunnel";

const NO_HEAD = Buffer.alloc(0);

/** First value of a header as HTTP/2 hands it over. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The target of a plain-http request on a stream: `:scheme http` with
 * `:authority` and an origin-form `:path` (what Chromium and Firefox send),
 * or an absolute-form `:path`.
 */
function plainTarget(headers: http2.IncomingHttpHeaders): AbsoluteTarget | null {
  const path = single(headers[":path"]);
  if (path && /^http:\/\//i.test(path)) return parseAbsoluteUri(path);
  const authority = single(headers[":authority"]);
  if (single(headers[":scheme"])?.toLowerCase() !== "http" || !authority || !path?.startsWith("/")) return null;
  return parseAbsoluteUri(`http://${authority}${path}`);
}

export class H2Streams {
  private readonly admissions: Admissions;

  constructor(private readonly deps: ProxyDeps) {
    this.admissions = new Admissions(deps);
  }

  onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on("error", () => stream.destroy());
    if (isH2Ping(headers)) {
      answerH2Ping(stream, this.deps.pings, this.deps.refusingNewFlows(), this.deps.retryAfterSec);
      return;
    }
    if (isH2SessionEnd(headers)) {
      stream.resume();
      this.endSession(stream, single(headers.authorization)).catch(() => stream.destroy());
      return;
    }
    const handled = headers[":method"] === "CONNECT" ? this.onConnect(stream, headers) : this.onRequest(stream, headers);
    handled.catch((error) => {
      this.deps.logger.error("proxy_internal_error", { error: errorClass(error) });
      stream.destroy();
    });
  }

  private async onConnect(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): Promise<void> {
    // Extended CONNECT (RFC 8441, :protocol) is not offered in SETTINGS; a stream that claims it anyway is no tunnel.
    const target = headers[":protocol"] === undefined ? parseAuthority(single(headers[":authority"])) : null;
    const admitted = await this.admissions.admit(single(headers["proxy-authorization"]), target);
    if (!admitted.ok) return this.refuse(stream, admitted.refusal);
    if (stream.destroyed) return;
    const tunnel = new Tunnel({
      client: stream,
      sessionId: admitted.sessionId,
      meter: this.deps.meter,
      registry: this.deps.registry,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      bufferBytes: this.deps.tunnelBufferBytes,
    });
    if (!this.deps.registry.open(tunnel)) return this.refuse(stream, AT_CAP);
    try {
      await tunnel.connect({
        address: admitted.address,
        family: admitted.family,
        port: admitted.target.port,
        timeoutMs: this.deps.connectTimeoutMs,
        head: NO_HEAD,
      });
    } catch (error) {
      const dial = error instanceof DialError ? error : new DialError(502, errorClass(error));
      this.deps.logger.warn("tunnel_failed", { error: dial.errorClass });
      streamAnswer(stream, dial.status, dial.status === 504 ? "destination timed out" : "destination unreachable");
      return;
    }
    // The browser may have reset the stream, or the session ended, while we were dialling.
    if (stream.destroyed || this.deps.registry.isRevoked(admitted.sessionId)) return tunnel.destroy();
    stream.respond({ ":status": 200 });
    tunnel.splice();
  }

  private async onRequest(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): Promise<void> {
    const admitted = await this.admissions.admit(single(headers["proxy-authorization"]), plainTarget(headers));
    if (!admitted.ok) return this.refuse(stream, admitted.refusal);
    if (stream.destroyed) return;
    const flow = new H2ForwardedRequest({
      stream,
      headers,
      sessionId: admitted.sessionId,
      registry: this.deps.registry,
      logger: this.deps.logger,
      idleTimeoutMs: this.deps.idleTimeoutMs,
      connectTimeoutMs: this.deps.connectTimeoutMs,
      maxHeaderBytes: this.deps.maxHeaderBytes,
      agent: this.deps.pools.agentFor(admitted.sessionId),
    });
    if (!this.deps.registry.open(flow)) return this.refuse(stream, AT_CAP);
    flow.send({
      address: admitted.address,
      family: admitted.family,
      port: admitted.target.port,
      path: admitted.target.path,
      host: admitted.target.hostHeader,
    });
  }

  private async endSession(stream: http2.ServerHttp2Stream, authorization: string | undefined): Promise<void> {
    const answer = await endSession(authorization, { verifier: this.deps.verifier, end: this.deps.endSession });
    if (stream.destroyed) return;
    if (answer.status !== 204) return streamAnswer(stream, answer.status, answer.message, answer.headers);
    stream.respond({ ":status": 204, "cache-control": "no-store" }, { endStream: true });
  }

  private refuse(stream: http2.ServerHttp2Stream, refusal: Refusal): void {
    this.deps.logger.info("request_refused", { reason: refusal.reason, status: refusal.status });
    streamAnswer(stream, refusal.status, refusal.message, refusalHeaders(refusal));
  }
}
