/**
 * Plain Chromium (Debian's, no extension) for the /account pages email links
 * open, with a record of what each page sent and any console error (a CSP
 * violation shows up there).
 *
 *   const browser = await launchPageBrowser();
 *   const page = await browser.open(link);
 *   ... browser.requests, browser.consoleErrors ...
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM } from "./chromium.ts";

export interface PageBrowser {
  open(url: string): Promise<Page>;
  /** Every request body the pages sent, with its URL. */
  requests: { url: string; body: string }[];
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchPageBrowser(): Promise<PageBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const context = await browser.newContext();
  const requests: PageBrowser["requests"] = [];
  const consoleErrors: string[] = [];
  context.on("request", (request) => requests.push({ url: request.url(), body: request.postData() ?? "" }));
  return {
    requests,
    consoleErrors,
    async open(url) {
      const page = await context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => consoleErrors.push(error.message));
      await page.goto(url);
      return page;
    },
    close: () => browser.close(),
  };
}
