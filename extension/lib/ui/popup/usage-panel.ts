/**
 * Traffic: the open session's bytes, live, and the history of sessions with
 * dates, traffic and totals. Exact byte counts ride along in data attributes
 * (and the title) while people read rounded units.
 */
import type { UsageResponse, UsageSession } from "@cargo-vpn/shared/schemas";
import { h } from "../dom";
import { formatBytes, formatDate } from "../format";
import { t } from "../i18n";
import { shownLocale } from "../locale";
import { tp } from "../plural";

function bytesCell(bytes: number, tag: "td" | "dd" = "td"): HTMLElement {
  return h(tag, { title: `${bytes.toLocaleString(shownLocale())} B`, dataset: { bytes: String(bytes) } }, formatBytes(bytes));
}

function labelled(cell: HTMLElement, label: string): HTMLElement {
  cell.dataset.label = label;
  return cell;
}

export class UsagePanel {
  readonly element: HTMLElement;
  private readonly live: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly totals: HTMLParagraphElement;
  private readonly more: HTMLButtonElement;
  private firstPage: UsageSession[] = [];
  private firstCursor: string | null = null;
  /** Pages the user asked for with "show older"; kept across polls of the first page. */
  private olderPages: UsageSession[] = [];
  private olderCursor: string | null | undefined;

  constructor(private readonly loadMore: (cursor: string) => Promise<UsageResponse>) {
    this.live = h("div", { className: "live", hidden: true });
    this.body = h("tbody");
    this.totals = h("p", { className: "totals" });
    this.more = h("button", { type: "button", hidden: true, onclick: () => this.older() }, t("loadMore"));
    this.element = h(
      "section",
      { className: "usage", "aria-labelledby": "usage-heading" },
      h("h2", { id: "usage-heading" }, t("usageHeading")),
      this.live,
      h(
        "table",
        { className: "history" },
        h("caption", {}, t("sessionHistory")),
        h(
          "thead",
          {},
          h("tr", {}, ...(["started", "ended", "uploaded", "downloaded"] as const).map((k) => h("th", { scope: "col" }, t(k)))),
        ),
        this.body,
      ),
      this.totals,
      this.more,
      h("p", { className: "hint" }, t("usageNote")),
    );
  }

  /** First page (newest sessions) from a poll; keeps older pages already loaded. */
  show(usage: UsageResponse, currentSessionId: string | undefined): void {
    this.firstPage = usage.sessions;
    this.firstCursor = usage.nextCursor;
    this.renderRows();
    this.totals.textContent = tp("totals", usage.totals.sessions, formatBytes(usage.totals.bytesUp), formatBytes(usage.totals.bytesDown));
    this.totals.dataset.bytesUp = String(usage.totals.bytesUp);
    this.totals.dataset.bytesDown = String(usage.totals.bytesDown);
    const current = currentSessionId ? usage.sessions.find((s) => s.id === currentSessionId) : undefined;
    this.live.hidden = !current;
    if (current) {
      this.live.replaceChildren(
        h("h3", { id: "live-heading" }, t("currentSession")),
        h(
          "dl",
          { "aria-labelledby": "live-heading", dataset: { sessionId: current.id } },
          h("dt", {}, t("uploaded")),
          bytesCell(current.bytesUp, "dd"),
          h("dt", {}, t("downloaded")),
          bytesCell(current.bytesDown, "dd"),
        ),
      );
    }
  }

  private get cursor(): string | null {
    return this.olderCursor === undefined ? this.firstCursor : this.olderCursor;
  }

  private get sessions(): UsageSession[] {
    const seen = new Set(this.firstPage.map((s) => s.id));
    return [...this.firstPage, ...this.olderPages.filter((s) => !seen.has(s.id))];
  }

  private renderRows(): void {
    if (this.sessions.length === 0) {
      this.body.replaceChildren(h("tr", {}, h("td", { colSpan: 4 }, t("noSessions"))));
    } else {
      this.body.replaceChildren(
        ...this.sessions.map((s) =>
          h(
            "tr",
            { dataset: { sessionId: s.id } },
            // data-label: the column's name, shown before each value when narrow rows stack (style.css, reflow).
            h("td", { dataset: { label: t("started") } }, formatDate(s.startedAt, shownLocale())),
            h("td", { dataset: { label: t("ended") } }, s.endedAt ? formatDate(s.endedAt, shownLocale()) : t("stillOpen")),
            labelled(bytesCell(s.bytesUp), t("uploaded")),
            labelled(bytesCell(s.bytesDown), t("downloaded")),
          ),
        ),
      );
    }
    this.more.hidden = this.cursor === null;
  }

  private async older(): Promise<void> {
    if (!this.cursor) return;
    const page = await this.loadMore(this.cursor);
    this.olderPages = [...this.olderPages, ...page.sessions];
    this.olderCursor = page.nextCursor;
    this.renderRows();
  }
}
