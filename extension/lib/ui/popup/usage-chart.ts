/**
 * Traffic per day over the last 30 days as a small bar chart. The bars are
 * decoration (aria-hidden); the same numbers are in a table that screen
 * readers read (visually hidden), with exact bytes in data attributes.
 *
 *   const chart = new UsageChart();  chart.show(await call("getDailyUsage", undefined));
 */
import type { DailyUsage } from "../../background/daily-usage";
import { h } from "../dom";
import { formatBytes } from "../format";
import { t } from "../i18n";

function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d!).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export class UsageChart {
  readonly element: HTMLElement;
  private readonly bars: HTMLDivElement;
  private readonly rows: HTMLTableSectionElement;

  constructor() {
    this.bars = h("div", { className: "chart", "aria-hidden": "true" });
    this.rows = h("tbody");
    this.element = h(
      "figure",
      { className: "usage-chart", "aria-labelledby": "chart-heading" },
      h("figcaption", { id: "chart-heading" }, t("usageChartHeading")),
      this.bars,
      h(
        "table",
        { className: "visually-hidden" },
        h("caption", {}, t("usageChartCaption")),
        h("thead", {}, h("tr", {}, ...(["day", "downloaded", "uploaded"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
        this.rows,
      ),
    );
  }

  show(days: DailyUsage[]): void {
    const max = Math.max(1, ...days.map((d) => d.bytesUp + d.bytesDown));
    this.bars.replaceChildren(
      ...days.map((d) => {
        const total = d.bytesUp + d.bytesDown;
        const bar = h("span", {
          className: total > 0 ? "bar" : "bar empty",
          title: t("dayTraffic", dayLabel(d.day), formatBytes(d.bytesDown), formatBytes(d.bytesUp)),
        });
        bar.style.height = `${total > 0 ? Math.max(4, Math.round((total / max) * 100)) : 0}%`;
        return bar;
      }),
    );
    const active = days.filter((d) => d.bytesUp + d.bytesDown > 0);
    this.rows.replaceChildren(
      ...(active.length === 0
        ? [h("tr", {}, h("td", { colSpan: 3 }, t("noSessions")))]
        : active.map((d) =>
            h(
              "tr",
              { dataset: { day: d.day } },
              h("th", { scope: "row" }, dayLabel(d.day)),
              h("td", { dataset: { bytes: String(d.bytesDown) } }, formatBytes(d.bytesDown)),
              h("td", { dataset: { bytes: String(d.bytesUp) } }, formatBytes(d.bytesUp)),
            ),
          )),
    );
  }
}
