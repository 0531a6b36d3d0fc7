import { describe, expect, it } from "vitest";
import { proxyForBrowser } from "./proxy-target";

describe("proxyForBrowser", () => {
  const gateway = { scheme: "https" as const, host: "gw1.example.net", port: 443, http1Port: 8443 };

  it("sends Firefox to the HTTP/1.1-only port and Chrome to the port that offers h2", () => {
    expect(proxyForBrowser("firefox", gateway)).toEqual({ scheme: "https", host: "gw1.example.net", port: 8443 });
    expect(proxyForBrowser("chrome", gateway)).toEqual({ scheme: "https", host: "gw1.example.net", port: 443 });
  });

  it("keeps the port for both when the gateway has no HTTP/1.1-only port", () => {
    const { http1Port: _, ...plain } = gateway;
    expect(proxyForBrowser("firefox", plain)).toEqual({ scheme: "https", host: "gw1.example.net", port: 443 });
    expect(proxyForBrowser("chrome", plain)).toEqual({ scheme: "https", host: "gw1.example.net", port: 443 });
  });
});
