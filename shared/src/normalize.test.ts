import { describe, expect, it } from "vitest";
import { cleanDeviceLabel } from "./normalize";
import { DeviceInput } from "./schemas";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

describe("device labels", () => {
  it("lose bidirectional controls, so one label cannot read like another", () => {
    for (const ch of [...range(0x202a, 0x202e), ...range(0x2066, 0x2069), "\u200e", "\u200f", "\u061c"]) {
      expect(cleanDeviceLabel(`Chrome${ch} on Linux`), ch.codePointAt(0)!.toString(16)).toBe("Chrome on Linux");
    }
    // "Firefox on Mac" spelled backwards behind a right-to-left override.
    expect(cleanDeviceLabel("\u202Ecam no xoferiF")).toBe("cam no xoferiF");
  });

  it("lose zero-width and other invisible formatting, and every control character", () => {
    const invisible = [
      ...range(0x200b, 0x200d),
      "\u2060",
      "\ufeff",
      "\u00ad",
      "\u180e",
      "\u3164",
      "\u115f",
      ...range(0x0, 0x8),
      "\u007f",
      ...range(0x80, 0x84),
      ...range(0x86, 0x9f),
    ];
    for (const ch of invisible) expect(cleanDeviceLabel(`My${ch}Phone`), ch.codePointAt(0)!.toString(16)).toBe("MyPhone");
    expect(cleanDeviceLabel("  Work\t\tlaptop \u00a0 2\n")).toBe("Work laptop 2");
    expect(cleanDeviceLabel("Work\u2028laptop\u0085two\r\nthree")).toBe("Work laptop two three");
    expect(cleanDeviceLabel("Café 🚀")).toBe("Café 🚀");
    expect(cleanDeviceLabel("Cafe\u0301")).toBe("Café");
  });

  it("DeviceInput stores the cleaned label and refuses one with nothing visible left", () => {
    const device = { id: "0f8fad5b-d9cb-469f-a165-70867728950e", kind: "chrome" };
    expect(DeviceInput.parse({ ...device, label: "\u2066Chrome on Linux\u2069" }).label).toBe("Chrome on Linux");
    for (const label of ["", "   ", "\u202e\u200b\u2069", "\u0000\u0007", "\ufeff \u3164"]) {
      const result = DeviceInput.safeParse({ ...device, label });
      expect(result.success, JSON.stringify(label)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["label"]);
    }
    expect(DeviceInput.safeParse({ ...device, label: "x".repeat(65) }).success).toBe(false);
    expect(DeviceInput.parse({ ...device, label: `${"x".repeat(64)}\u200b\u200b` }).label).toBe("x".repeat(64));
  });
});
