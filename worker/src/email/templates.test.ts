import { describe, expect, it } from "vitest";
import { defangLabel, newDeviceMessage, recoveryCodeUsedMessage } from "./templates";

/** Anything a mail client could turn into a live link: a scheme, an address, or a dotted host name. */
const LINKABLE = /[a-z0-9+.-][:\uff1a]|(?<!\[)[@\uff20]|[\p{L}\p{N}-][.\u3002\uff0e\uff61][\p{L}-]/iu;

describe("defangLabel", () => {
  it("leaves ordinary labels as they are", () => {
    for (const label of ["Chrome on Linux", "Firefox 128.0 (work)", "Anna's laptop", "Edge — kitchen PC"]) {
      expect(defangLabel(label)).toBe(label);
    }
  });

  it("leaves no scheme, address or host name a mail client would link", () => {
    const attacks = [
      "Sign-in blocked. Review: https://evil.example/review?id=1",
      "http://evil.example",
      "www.evil.example",
      "evil.example/login",
      "mailto:help@evil.example",
      "javascript:alert(1)",
      "support@evil.example",
      "evil\u3002example",
      "evil\uff0eexample\uff1a443",
      "HTTPS://EVIL.EXAMPLE",
      "ftp://10.0.0.1/x",
    ];
    for (const label of attacks) {
      const defanged = defangLabel(label);
      expect(defanged, label).not.toMatch(LINKABLE);
      expect(defanged, label).not.toMatch(/:\/\//);
    }
    expect(defangLabel("Sign-in blocked. Review: https://evil.example/x")).toBe("Sign-in blocked. Review[:] https[:]//evil[.]example/x");
  });

  it("is what the new-device notice shows in both parts", () => {
    const message = newDeviceMessage("en", { kind: "chrome", label: "Review: https://evil.example/x" }, 0);
    expect(message.text).toContain("Device: Review[:] https[:]//evil[.]example/x (chrome)");
    expect(message.text + message.html).not.toContain("https://evil.example");
    expect(message.html).not.toContain("href");
  });

  it("is what the recovery-code notice shows too: whoever holds a code chose that label", () => {
    const message = recoveryCodeUsedMessage("en", { kind: "api", label: "Review: https://evil.example/x" }, 9, 0);
    expect(message.text).toContain("Device: Review[:] https[:]//evil[.]example/x (api)");
    expect(message.text + message.html).not.toContain("https://evil.example");
    expect(message.html).not.toContain("href");
  });
});
