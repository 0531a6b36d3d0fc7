/**
 * Local email: `wrangler dev` simulates the `send_email` binding by writing
 * each message's parts to files under .wrangler/tmp and printing a block to
 * its output:
 *
 *   [wrangler:info] send_email binding called with MessageBuilder:
 *   From: "Cargo VPN" <no-reply@cargovpn.dev>
 *   To: alice@example.com
 *   Subject: Confirm your email address for Cargo VPN
 *   Text: /…/.wrangler/tmp/email/…/email-text/<id>.txt
 *   HTML: /…/.wrangler/tmp/email/…/email-html/<id>.html
 *
 * The collector takes those blocks out of the worker's output (so no
 * address reaches the log) and keeps each message as one file in the mail
 * folder, named by an ISO 8601 timestamp (basic format, safe in file names)
 * and the subject, holding To, Subject and the plain-text body, as a person
 * would read it in an inbox; the HTML part is kept beside it under the same
 * name with .html (tests check its lang and dir). The simulator's own copies
 * are then deleted.
 *
 *   const mail = mailCollector(".dev/mail");
 *   startWorker({ …, onLine: mail.take });
 *   await mail.flush();   // before reading the folder
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

const BLOCK_START = /send_email binding called with (?:MessageBuilder|the following message):\s*$/;
const FIELD = /^(From|To|Cc|Bcc|Subject|Text|HTML|Email|Attachment[^:]*): ?(.*)$/;

export interface MailCollector {
  dir: string;
  /** Feed every output line; true when the line belonged to a message block (and must not be logged). */
  take(line: string): boolean;
  /** Resolves once every message seen so far is written to the folder. */
  flush(): Promise<void>;
}

interface Block {
  fields: Map<string, string>;
  timer: NodeJS.Timeout;
}

export function isoBasic(date: Date): string {
  return date.toISOString().replaceAll("-", "").replaceAll(":", "");
}

export function mailCollector(dir: string): MailCollector {
  let block: Block | null = null;
  let sequence = 0;
  const writing = new Set<Promise<void>>();

  async function write(fields: Map<string, string>): Promise<void> {
    const textPath = fields.get("Text");
    const htmlPath = fields.get("HTML");
    const text = textPath ? await readFile(textPath, "utf8") : "";
    const html = htmlPath ? await readFile(htmlPath, "utf8") : null;
    const subject = fields.get("Subject") ?? "";
    sequence += 1;
    const slug = subject
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60);
    const name = `${isoBasic(new Date())}-${String(sequence).padStart(4, "0")}-${slug || "message"}.txt`;
    await mkdir(dir, { recursive: true });
    if (html !== null) await writeFile(join(dir, name.replace(/\.txt$/, ".html")), html, { mode: 0o600 });
    await writeFile(join(dir, name), `To: ${fields.get("To") ?? ""}\nSubject: ${subject}\n\n${text}`, { mode: 0o600 });
    for (const path of [textPath, htmlPath]) if (path) await rm(path, { force: true });
  }

  function close(): void {
    if (!block) return;
    clearTimeout(block.timer);
    const done = write(block.fields).catch((error: unknown) => {
      console.error(`local mail: a message could not be kept (${error instanceof Error ? error.message : String(error)})`);
    });
    writing.add(done);
    void done.finally(() => writing.delete(done));
    block = null;
  }

  return {
    dir,
    take(line) {
      const text = line.replace(/\r$/, "");
      if (BLOCK_START.test(text)) {
        close();
        block = { fields: new Map(), timer: setTimeout(close, 300) };
        return true;
      }
      if (!block) return false;
      // The simulator puts a blank line between the headers and the file paths.
      if (text.trim() === "") return true;
      const field = FIELD.exec(text);
      if (!field) {
        close();
        return false;
      }
      block.fields.set(field[1]!, field[2]!);
      if (field[1] === "HTML") close();
      return true;
    },
    async flush() {
      close();
      await Promise.all([...writing]);
    },
  };
}
