import { describe, expect, it } from "vitest";
import messages from "../../public/_locales/en/messages.json";
import type { MessageKey, PluralBase } from "./i18n";

describe("message keys are typed from _locales/en/messages.json", () => {
  it("a known key compiles, a typo does not (checked by npm run extension -- typecheck)", () => {
    const known: MessageKey = "signInHeading";
    // @ts-expect-error "signInHeadng" is not a message name: tsc refuses it, and this line fails typecheck if it ever compiles.
    const typo: MessageKey = "signInHeadng";
    const plural: PluralBase = "devicesCount";
    // @ts-expect-error "signInHeading" has no "_other" form, so it is no plural base.
    const notPlural: PluralBase = "signInHeading";
    const names = Object.keys(messages);
    expect(names).toContain(known);
    expect(names).not.toContain(typo);
    expect(names).toContain(`${plural}_other`);
    expect(names).not.toContain(`${notPlural}_other`);
  });
});
