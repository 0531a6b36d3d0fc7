/**
 * The account pages speak the account's language (issue 19 item 5): the
 * link a mail or the API gives names it (`?lang=`, as the token itself rides
 * in the fragment the server never sees); without one the browser's
 * Accept-Language picks among the shipped languages, else English. `lang`
 * and `dir` say which; the page's script gets its texts in that language.
 */
import { LANGUAGES } from "@cargo-vpn/shared";
import { MIN_PASSWORD_LENGTH } from "@cargo-vpn/shared/account-rules";
import { describe, expect, it } from "vitest";
import { PAGE_CATALOGUES } from "../src/pages/locales";
import { call, register, signedIn } from "./client";
import { inbox } from "./mail";

const PAGES = ["verify-email", "reset-password", "delete-account", "undo-email-change", "passkeys", "passkey-sign-in"];

async function page(path: string, acceptLanguage?: string) {
  const res = await call("GET", path, acceptLanguage ? { headers: { "accept-language": acceptLanguage } } : {});
  expect(res.status, path).toBe(200);
  const html = res.body as string;
  const root = /<html lang="([^"]+)" dir="(ltr|rtl)">/.exec(html);
  const heading = /<h1>([^<]*)<\/h1>/.exec(html)?.[1];
  const text = JSON.parse(/<script type="application\/json" id="page-text">(.*?)<\/script>/s.exec(html)![1]!) as Record<string, string>;
  return {
    html,
    lang: root?.[1],
    dir: root?.[2],
    heading,
    text,
    contentLanguage: res.headers.get("content-language"),
    vary: res.headers.get("vary"),
  };
}

describe("the account pages' language", () => {
  it("is the link's: every page in every language, lang and dir on <html>, its heading, its script's texts", async () => {
    for (const language of LANGUAGES) {
      for (const path of PAGES) {
        const shown = await page(`/account/${path}?lang=${language}`, "en");
        expect([shown.lang, shown.dir], `${language} ${path}`).toEqual([language, language === "ar" ? "rtl" : "ltr"]);
        expect(shown.contentLanguage).toBe(language);
        expect(shown.text.needsLink).toBe(PAGE_CATALOGUES[language].script.needsLink);
        // Plurals were chosen for the page: nothing is left for the script but the wait.
        expect(JSON.stringify(shown.text)).not.toContain("{count}");
        if (language !== "en") expect(shown.heading, `${language} ${path}`).not.toBe((await page(`/account/${path}?lang=en`)).heading);
      }
    }
    const german = await page("/account/verify-email?lang=de");
    expect(german.heading).toBe("Bestätigen Sie Ihre E-Mail-Adresse");
    expect(german.html).toContain('<button type="submit">Meine E-Mail-Adresse bestätigen</button>');
  });

  it("writes the minimum password length with the language's plural and digits", async () => {
    const russian = await page("/account/reset-password?lang=ru");
    expect(russian.html).toContain(`Не короче ${MIN_PASSWORD_LENGTH} символов.`);
    expect(russian.text.passwordTooShort).toBe(`Выберите пароль не короче ${MIN_PASSWORD_LENGTH} символов.`);
    const arabic = await page("/account/reset-password?lang=ar");
    expect(arabic.html).toContain(`${new Intl.NumberFormat("ar").format(MIN_PASSWORD_LENGTH)} أحرف على الأقل.`);
  });

  it("without one, is the best shipped match of Accept-Language, else English", async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, "en"],
      ["de-AT,de;q=0.9,en;q=0.5", "de"],
      ["fr-CH, fr;q=0.9, en;q=0.8", "fr"],
      ["de;q=0, es;q=0.8", "es"],
      ["en;q=0.2, ja;q=0.9", "ja"],
      ["pt-PT", "pt-BR"],
      ["pt", "pt-BR"],
      ["zh-Hans-CN", "zh-CN"],
      ["zh", "zh-CN"],
      ["zh-TW,en;q=0.5", "en"],
      ["ar-EG", "ar"],
      ["xx, yy;q=0.5", "en"],
      ["not a header ;;; q=", "en"],
    ];
    for (const [header, expected] of cases) {
      const shown = await page("/account/delete-account", header);
      expect(shown.lang, String(header)).toBe(expected);
      expect(shown.vary).toContain("Accept-Language");
    }
    // The link's language wins over the browser's; one that is not shipped is ignored.
    expect((await page("/account/verify-email?lang=uk", "de")).lang).toBe("uk");
    expect((await page("/account/verify-email?lang=xx", "de")).lang).toBe("de");
    expect((await page("/account/verify-email?lang=<script>", "it")).lang).toBe("it");
  });

  it("Arabic pages are right to left", async () => {
    const arabic = await page("/account/verify-email", "ar");
    expect([arabic.lang, arabic.dir]).toEqual(["ar", "rtl"]);
    expect(arabic.heading).toBe("أكّد عنوان بريدك الإلكتروني");
  });

  it("a German account's mailed link and its passkey page name German", async () => {
    const user = await register({ language: "de" });
    const [verification] = await inbox(user.email, 1);
    const link = /https?:\/\/\S+/.exec(verification!.text)![0];
    const url = new URL(link);
    expect(url.searchParams.get("lang")).toBe("de");
    expect(url.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
    const shown = await page(`${url.pathname}${url.search}`, "en-US");
    expect([shown.lang, shown.heading]).toEqual(["de", "Bestätigen Sie Ihre E-Mail-Adresse"]);

    const s = await signedIn();
    await call("PATCH", "/v1/me", { token: s.token, body: { language: "ja" } });
    const ticket = await call("POST", "/v1/me/passkey-tickets", { token: s.token });
    expect(new URL(ticket.body.url).searchParams.get("lang")).toBe("ja");
  });
});
