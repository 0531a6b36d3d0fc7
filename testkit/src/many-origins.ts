/**
 * A page whose resources come from many origins, as a real site's do (its
 * own host, CDNs, fonts, analytics): `count` HTTPS servers on loopback ports,
 * the first serving `/page` with `perOrigin` images from every origin, each
 * image a 1×1 GIF. What a browser test loads to see how many connections a
 * browser opens through the gateway for one page.
 *
 *   const site = await startManyOrigins({ count: 12, perOrigin: 5, tls: cert });
 *   await page.goto(site.pageUrl);       // 60 resources from 12 origins
 *   site.requests;                        // requests answered so far
 *   await site.close();
 */
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";

export interface ManyOrigins {
  pageUrl: string;
  ports: number[];
  /** Resources on the page (every origin's images, not the page itself). */
  resources: number;
  /** Requests answered so far, the page included. */
  readonly requests: number;
  close(): Promise<void>;
}

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==", "base64");

export async function startManyOrigins(options: {
  count: number;
  perOrigin: number;
  tls: { cert: string; key: string };
}): Promise<ManyOrigins> {
  const servers: https.Server[] = [];
  const sockets = new Set<Socket>();
  let requests = 0;
  let ports: number[] = [];
  const page = () => {
    const images = ports.flatMap((port) =>
      Array.from({ length: options.perOrigin }, (_, i) => `<img alt="" width="1" height="1" src="https://127.0.0.1:${port}/r/${i}.gif">`),
    );
    return `<!doctype html><title>many origins</title><h1>many origins</h1>${images.join("")}`;
  };
  for (let i = 0; i < options.count; i++) {
    const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
      requests++;
      if (req.url === "/page") {
        const body = page();
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-length": Buffer.byteLength(body),
          "cache-control": "no-store",
        });
        return res.end(body);
      }
      res.writeHead(200, { "content-type": "image/gif", "content-length": GIF.length, "cache-control": "no-store" });
      res.end(GIF);
    });
    server.on("secureConnection", (socket: Socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
  }
  ports = servers.map((server) => (server.address() as AddressInfo).port);
  return {
    pageUrl: `https://127.0.0.1:${ports[0]}/page`,
    ports,
    resources: options.count * options.perOrigin,
    get requests() {
      return requests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
