/**
 * The local stack's inbox, read the way a person reads mail: each message the
 * API sent is a file in `stack.mailDir` (To, Subject, blank line, plain-text
 * body, and its HTML part beside it as .html); tests wait for the one they
 * expect and follow its link.
 *
 *   const message = await waitForMail(stack, { to: user.email, subject: "Confirm your email" });
 *   await page.goto(linkIn(message));
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** What of the local stack the inbox needs: its mail folder, and a way to have queued mail written there. */
export interface Mailbox {
  mailDir: string;
  flushMail(): Promise<void>;
}

export interface LocalMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  /** The HTML part ("" when the message had none). */
  html: string;
}

export async function readMailbox(dir: string): Promise<LocalMail[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".txt")).sort();
  const messages: LocalMail[] = [];
  for (const file of files) {
    const raw = await readFile(join(dir, file), "utf8");
    const [head = "", ...body] = raw.split("\n\n");
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(head)?.[1] ?? "";
    const htmlFile = join(dir, file.replace(/\.txt$/, ".html"));
    const html = existsSync(htmlFile) ? await readFile(htmlFile, "utf8") : "";
    messages.push({ file, to: header("To"), subject: header("Subject"), text: body.join("\n\n"), html });
  }
  return messages;
}

/** Waits for a message to `to` whose subject contains `subject`, not counting the first `skip` such messages. */
export async function waitForMail(
  stack: Mailbox,
  match: { to: string; subject: string; skip?: number },
  timeoutMs = 20_000,
): Promise<LocalMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await stack.flushMail();
    const found = (await readMailbox(stack.mailDir)).filter((m) => m.to === match.to && m.subject.includes(match.subject));
    const message = found[match.skip ?? 0];
    if (message) return message;
    if (Date.now() > deadline) throw new Error(`no "${match.subject}" message for ${match.to} in ${stack.mailDir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The message's link (the only http URL in it). */
export function linkIn(message: LocalMail): string {
  const link = /https?:\/\/\S+/.exec(message.text)?.[0];
  if (!link) throw new Error(`no link in "${message.subject}"`);
  return link;
}
