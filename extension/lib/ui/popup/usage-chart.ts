/**
 * Traffic per day over the last 30 days as a small bar chart with its axes:
 * a value axis (0 and the busiest day's amount) and a date axis (first day,
 * middle, today), and the figures in words under it (total, busiest day,
 * today). Amounts and dates go through Intl in the language shown. The bars
 * are decoration (aria-hidden): screen readers get the visible summary and a
 * table of every day with traffic (visually hidden, exact bytes in data
 * attributes). While a session is open the popup re-reads it on every poll,
 * so today's bar grows with the live counters (GET /v1/usage, the ledger's).
 *
 *   const chart = new UsageChart();  chart.show(await call("getDailyUsage", undefined));
 */
import type { DailyUsage } from "../../background/daily-usage";
import { h } from "../dom";
import { formatBytes } from "../format";
import { t } from "../i18n";
import { shownLocale } from "../locale";

/** "2 Dec" in the language shown (a local calendar day, YYYY-MM-DD). */
function dayLabel(day: string, locale = shownLocale()): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d!).toLocaleDateString(locale, { month: "short", day: "numeric" });
}

const total = (d: DailyUsage) => d.bytesUp + d.bytesDown;

export class UsageChart {
  readonly element: HTMLElement;
  private readonly bars: HTMLDivElement;
  private readonly yMax: HTMLSpanElement;
  private readonly xAxis: HTMLDivElement;
  private readonly summary: HTMLDListElement;
  private readonly rows: HTMLTableSectionElement;

  constructor() {
    this.bars = h("div", { className: "chart-bars" });
    this.yMax = h("span", {});
    this.xAxis = h("div", { className: "chart-x" });
    this.summary = h("dl", { className: "chart-summary", id: "chart-summary" });
    this.rows = h("tbody");
    this.element = h(
      "figure",
      { className: "usage-chart", "aria-labelledby": "chart-heading", "aria-describedby": "chart-summary" },
      h("figcaption", { id: "chart-heading" }, t("usageChartHeading")),
      h(
        "div",
        { className: "chart-plot", "aria-hidden": "true" },
        h("div", { className: "chart-y" }, this.yMax, h("span", {}, formatBytes(0))),
        this.bars,
        this.xAxis,
      ),
      this.summary,
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
    const busiest = days.reduce<DailyUsage | undefined>((best, d) => (total(d) > (best ? total(best) : 0) ? d : best), undefined);
    const max = busiest ? total(busiest) : 0;
    // Nothing yet: the axis shows its 0 alone.
    this.yMax.textContent = max > 0 ? formatBytes(max) : "";
    this.bars.replaceChildren(
      ...days.map((d) => {
        const bar = h("span", { className: total(d) > 0 ? "bar" : "bar empty", dataset: { day: d.day } });
        bar.style.height = `${total(d) > 0 ? Math.max(4, Math.round((total(d) / max) * 100)) : 0}%`;
        return bar;
      }),
    );
    const ticks = days.length > 0 ? [days[0]!, days[Math.floor((days.length - 1) / 2)]!, days[days.length - 1]!] : [];
    this.xAxis.replaceChildren(...ticks.map((d) => h("span", {}, dayLabel(d.day))));
    const today = days[days.length - 1];
    const sum = days.reduce((n, d) => n + total(d), 0);
    const fact = (term: string, value: string, bytes: number) =>
      h("div", {}, h("dt", {}, term), h("dd", { dataset: { bytes: String(bytes) } }, value));
    this.summary.replaceChildren(
      fact(t("usageChartTotal"), formatBytes(sum), sum),
      fact(t("usageChartBusiest"), busiest ? t("usageChartDayAmount", dayLabel(busiest.day), formatBytes(max)) : t("usageChartNone"), max),
      fact(t("usageChartToday"), formatBytes(today ? total(today) : 0), today ? total(today) : 0),
    );
    const active = days.filter((d) => total(d) > 0);
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
