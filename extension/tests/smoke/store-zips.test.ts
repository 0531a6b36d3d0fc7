/**
 * The store packages, built by the same script a release uses
 * (scripts/zip.mjs): a Chrome zip and a Firefox zip that are store builds
 * against the production API given at build time, with the version from
 * package.json, the Firefox data-collection declaration, and the sources zip
 * AMO asks for. The script itself fails unless `web-ext lint` passes on the
 * Firefox zip with no warnings.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const API = "https://api.cargo-vpn.test";
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
let out: string;
let zips: { chrome: string; firefox: string; sources: string };

const open = async (path: string) => JSZip.loadAsync(readFileSync(path));
const text = async (zip: JSZip, name: string) => {
  const file = zip.file(name);
  if (!file) throw new Error(`${name} missing`);
  return file.async("string");
};

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "cargo-zips-"));
  const printed = execFileSync(process.execPath, [join(ROOT, "scripts/zip.mjs")], {
    cwd: ROOT,
    env: { ...process.env, WXT_API_URL: API, CARGO_EXT_OUT_DIR: out },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  zips = JSON.parse(printed.slice(printed.lastIndexOf("{\n")));
}, 180_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("store zips (scripts/zip.mjs)", () => {
  it("refuses a store build without an https production API", () => {
    for (const url of ["", "http://api.cargo-vpn.test"]) {
      expect(() =>
        execFileSync(process.execPath, [join(ROOT, "scripts/zip.mjs")], {
          cwd: ROOT,
          env: { ...process.env, WXT_API_URL: url, CARGO_EXT_OUT_DIR: out },
          stdio: "pipe",
        }),
      ).toThrow(/WXT_API_URL/);
    }
  });

  it("Chrome and Firefox zips: package.json's version, the production API baked in, the local one nowhere", async () => {
    for (const path of [zips.chrome, zips.firefox]) {
      expect(path).toContain(`-${version}-`);
      const zip = await open(path);
      expect(JSON.parse(await text(zip, "manifest.json")).version).toBe(version);
      const background = await text(zip, "background.js");
      expect(background).toContain(API);
      expect(background).not.toContain("127.0.0.1:8787");
    }
  });

  it("Firefox declares its data collection: the account required, the opt-in telemetry optional", async () => {
    const manifest = JSON.parse(await text(await open(zips.firefox), "manifest.json"));
    expect(manifest.browser_specific_settings.gecko.data_collection_permissions).toEqual({
      required: ["authenticationInfo", "personallyIdentifyingInfo"],
      optional: ["technicalAndInteraction"],
    });
  });

  it("the sources zip holds what rebuilds the add-on, and nothing built or installed", async () => {
    const names = Object.keys((await open(zips.sources)).files);
    for (const needed of [
      "extension/package.json",
      "extension/wxt.config.ts",
      "shared/src/kdf.ts",
      "pnpm-lock.yaml",
      "extension/README.md",
    ]) {
      expect(names).toContain(needed);
    }
    expect(names.filter((n) => /node_modules|\.output|\.wxt\/|\.test\.ts$|^worker\/|^gateway\//.test(n))).toEqual([]);
  });
});
