/**
 * The answers still owed on each browser connection, so that bytes which
 * fail to parse after complete pipelined requests do not cut those requests'
 * answers off (RFC 9112 §9.3.2): the requests already read were forwarded and
 * ran, so their answers go out first, in order, and only then the 400 that
 * closes the connection.
 *
 *   const owed = new PipelinedAnswers();
 *   server.on("request", (req, res) => owed.track(req, res));   // first listener, synchronous
 *   server.on("clientError", (error, socket) => owed.afterOwed(socket, () => rawResponse(socket, 400, …)));
 *
 * A request whose own body is the broken part is not answered: the 400 is its
 * answer. If its response has already started, nothing clean can follow, and
 * the connection is closed without a 400.
 */
import type http from "node:http";
import type { Duplex } from "node:stream";

interface Owed {
  req: http.IncomingMessage;
  res: http.ServerResponse;
}

export class PipelinedAnswers {
  private readonly bySocket = new WeakMap<Duplex, Set<Owed>>();

  track(req: http.IncomingMessage, res: http.ServerResponse): void {
    let owed = this.bySocket.get(req.socket);
    if (!owed) {
      owed = new Set();
      this.bySocket.set(req.socket, owed);
    }
    const entry = { req, res };
    owed.add(entry);
    const settled = () => owed.delete(entry);
    res.once("finish", settled);
    res.once("close", settled);
  }

  /**
   * Runs `answer` once every response to a complete request on `socket` has
   * been written (at once when none is owed); destroys the socket instead when
   * a response to the broken request has begun or the socket cannot be written.
   */
  afterOwed(socket: Duplex, answer: () => void): void {
    const owed = [...(this.bySocket.get(socket) ?? [])];
    const complete = owed.filter((entry) => entry.req.complete);
    const broken = owed.filter((entry) => !entry.req.complete);
    const finish = () => {
      if (!socket.writable || broken.some((entry) => entry.res.headersSent)) socket.destroy();
      else answer();
    };
    let waiting = complete.length;
    if (waiting === 0) {
      finish();
      return;
    }
    for (const { res } of complete) {
      if (res.writableFinished || res.destroyed) {
        if (--waiting === 0) finish();
        continue;
      }
      const done = () => {
        res.off("finish", done);
        res.off("close", done);
        if (--waiting === 0) finish();
      };
      res.once("finish", done);
      res.once("close", done);
    }
  }
}
