// One dashboard widget, drawn by its type from its slot of GET /dashboards/{id}/data. A widget that failed
// shows its error in its own place; the others draw all the same.

import { barOption, drawChart, heatmapOption, pieOption, seriesOption } from "./charts";
import { h, replace, status } from "./dom";
import {
  formatChangePercent,
  formatDay,
  formatPercent,
  formatPeriod,
  formatValue,
  humanize,
  type Interval,
} from "./format";
import type {
  CategoryChart,
  GoalData,
  HeatmapChart,
  NumberData,
  SeriesChart,
  TableData,
  WidgetConfig,
  WidgetData,
} from "./types";

export interface WidgetContext {
  config: WidgetConfig | undefined;
  unit: string | null;
  signal: AbortSignal;
}

const COMPARISONS: Record<string, string> = { previous: "the previous period", year: "a year earlier" };

/** The card of a widget, placed on the 12-column grid. */
export function widgetCard(widget: WidgetData): HTMLElement {
  const titleId = `widget-${widget.id}-title`;
  const card = h(
    "section",
    { class: "widget", "data-widget-id": widget.id, "data-type": widget.type, "aria-labelledby": titleId },
    h(
      "header",
      { class: "widget-head" },
      h("h3", { id: titleId, class: "widget-title" }, widget.title),
      h("span", { class: "widget-period" }),
    ),
    h("div", { class: "widget-body" }),
  );
  const { x, y, w, h: height } = widget.layout;
  card.style.gridColumn = `${x + 1} / span ${w}`;
  card.style.gridRow = `${y + 1} / span ${height}`;
  card.style.setProperty("--rows", String(height));
  return card;
}

/** Draws `widget` into its card (again, in place, on a refresh). */
export function drawWidget(card: HTMLElement, widget: WidgetData, context: WidgetContext): void {
  const period = card.querySelector(".widget-period");
  if (period) period.textContent = formatPeriod(widget.start, widget.end);
  const body = card.querySelector<HTMLElement>(".widget-body");
  if (!body) return;
  if (widget.error || !widget.data) {
    const detail = widget.error?.detail ?? "the service sent no data for it";
    card.dataset.state = "error";
    dropChart(body);
    replace(body, status("error", `This widget could not be drawn: ${detail}`));
    return;
  }
  const integer = context.config?.query.agg === "count";
  switch (widget.type) {
    case "number":
      return finish(card, body, numberBody(widget.data as NumberData, context.unit));
    case "table":
      return finish(card, body, tableBody(widget.data as TableData, context.unit));
    case "goal":
      return finish(card, body, goalsBody(widget.data as GoalData));
    case "heatmap": {
      const data = widget.data as HeatmapChart;
      return chart(card, body, context, isEmptyHeatmap(data), () =>
        heatmapOption({ ...heatmapInput(data), unit: context.unit, integer }),
      );
    }
    default:
      break;
  }
  if (widget.type === "bar" || widget.type === "pie") {
    const data = widget.data as CategoryChart;
    const input = { labels: data.labels, data: data.data, percentages: data.percentages, unit: context.unit, integer };
    return chart(card, body, context, data.labels.length === 0, () =>
      widget.type === "pie" ? pieOption(input) : barOption(input),
    );
  }
  const data = widget.data as SeriesChart;
  const empty = data.series.every((series) => series.data.every((value) => value === null || value === 0));
  return chart(card, body, context, empty || data.labels.length === 0, () =>
    seriesOption({
      labels: data.labels,
      series: data.series.map((series) => ({ name: series.name === "all" ? widget.title : series.name, data: series.data })),
      stacked: data.stacked,
      area: widget.type === "area",
      unit: context.unit,
      interval: (context.config?.query.interval ?? "day") as Interval,
      integer,
    }),
  );
}

function finish(card: HTMLElement, body: HTMLElement, content: { node: Node; empty: boolean }): void {
  dropChart(body);
  replace(body, content.node);
  card.dataset.state = content.empty ? "empty" : "ready";
}

function chart(
  card: HTMLElement,
  body: HTMLElement,
  context: WidgetContext,
  empty: boolean,
  option: () => ReturnType<typeof seriesOption>,
): void {
  if (empty) {
    dropChart(body);
    replace(body, status("empty", "No data in this period."));
    card.dataset.state = "empty";
    return;
  }
  let canvasBox = body.querySelector<HTMLElement>(":scope > .chart");
  if (!canvasBox) {
    canvasBox = h("div", { class: "chart" });
    replace(body, canvasBox);
    const controller = new AbortController();
    context.signal.addEventListener("abort", () => controller.abort());
    charts.set(canvasBox, controller);
  }
  drawChart(canvasBox, option(), charts.get(canvasBox)?.signal ?? context.signal);
  card.dataset.state = "ready";
}

const charts = new WeakMap<HTMLElement, AbortController>();

/** Disposes of a chart the body held before it shows something else. */
function dropChart(body: HTMLElement): void {
  const box = body.querySelector<HTMLElement>(":scope > .chart");
  if (box) charts.get(box)?.abort();
}

function numberBody(data: NumberData, unit: string | null): { node: Node; empty: boolean } {
  const integer = data.agg === "count";
  const figure = h("p", { class: "figure" }, formatValue(data.value, integer ? null : unit, { integer }));
  const parts: Node[] = [figure];
  if (data.compare) {
    const percent = formatChangePercent(data.change_percent);
    const against = COMPARISONS[data.compare] ?? data.compare;
    const previous = formatValue(data.previous, integer ? null : unit, { integer });
    if (percent === null) {
      parts.push(h("p", { class: "change" }, `No change to show against ${against} (${previous}).`));
    } else {
      const direction = (data.change ?? 0) > 0 ? "up" : (data.change ?? 0) < 0 ? "down" : "flat";
      const arrow = { up: "▲", down: "▼", flat: "▶" }[direction];
      parts.push(
        h(
          "p",
          { class: `change change-${direction}` },
          h("span", { "aria-hidden": "true" }, `${arrow} `),
          h("span", { class: "visually-hidden" }, `${direction === "flat" ? "unchanged" : direction} `),
          h("b", null, percent),
          ` vs ${against} (${previous})`,
        ),
      );
    }
  }
  if (data.agg !== "sum" && data.agg !== "count") parts.push(h("p", { class: "muted" }, aggregateLabel(data.agg)));
  return { node: h("div", { class: "number" }, ...parts), empty: data.value === null };
}

export function aggregateLabel(agg: string): string {
  return (
    { sum: "Total", avg: "Average", count: "Count", min: "Smallest", max: "Largest", p95: "95th percentile" }[agg] ?? agg
  );
}

function tableBody(data: TableData, unit: string | null): { node: Node; empty: boolean } {
  if (data.rows.length === 0) return { node: status("empty", "No data in this period."), empty: true };
  const integer = data.agg === "count";
  const figures = data.agg === "count" ? ["count"] : [data.agg, "count"];
  const table = h(
    "table",
    { class: "data-table" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ...data.group_by.map((field) => h("th", { scope: "col" }, humanize(field))),
        ...figures.map((figure) => h("th", { scope: "col", class: "numeric" }, aggregateLabel(figure))),
      ),
    ),
    h(
      "tbody",
      null,
      ...data.rows.map((row) =>
        h(
          "tr",
          null,
          ...data.group_by.map((field) => h("td", null, row.group[field] ?? "(none)")),
          ...figures.map((figure) =>
            h(
              "td",
              { class: "numeric" },
              figure === "count"
                ? formatValue(row.count, null, { integer: true })
                : formatValue(row[figure] as number | null, unit, { integer }),
            ),
          ),
        ),
      ),
    ),
  );
  const more =
    data.total_rows > data.rows.length
      ? h("p", { class: "muted" }, `The ${data.rows.length} largest of ${data.total_rows} groups.`)
      : null;
  return { node: h("div", { class: "table-scroll" }, table, more ?? ""), empty: false };
}

function goalsBody(data: GoalData): { node: Node; empty: boolean } {
  if (data.goals.length === 0) return { node: status("empty", "No goals overlap this period."), empty: true };
  return {
    node: h(
      "ul",
      { class: "goal-list" },
      ...data.goals.map((goal) => {
        const state =
          goal.status !== "active" ? goal.status : goal.on_track === false ? "behind" : goal.on_track ? "on track" : "active";
        return h(
          "li",
          { class: "goal" },
          h(
            "div",
            { class: "goal-line" },
            h("span", { class: "goal-name" }, goal.name),
            h("span", { class: `badge badge-${state.replace(" ", "-")}` }, state),
          ),
          progressBar(goal.progress_percentage, goal.elapsed_percentage, `${goal.name}: progress`),
          h(
            "p",
            { class: "muted" },
            `${formatValue(goal.current_value, goal.unit)} of ${formatValue(goal.target_value, goal.unit)} · `,
            `${formatPercent(goal.progress_percentage)} done, ${formatPercent(goal.elapsed_percentage)} of the time gone · `,
            `until ${formatDay(goal.end_date)}`,
          ),
        );
      }),
    ),
    empty: false,
  };
}

/** A progress bar with, optionally, a mark at the share of time elapsed. */
export function progressBar(percent: number, elapsed: number | null, label: string): HTMLElement {
  const done = Math.max(0, Math.min(100, percent));
  const fill = h("div", { class: "progress-fill" });
  fill.style.width = `${done}%`;
  const bar = h(
    "div",
    {
      class: "progress",
      role: "progressbar",
      "aria-label": label,
      "aria-valuemin": 0,
      "aria-valuemax": 100,
      "aria-valuenow": Math.round(done),
      "aria-valuetext": `${formatPercent(percent)}`,
    },
    fill,
  );
  if (elapsed !== null) {
    const mark = h("div", { class: "progress-mark", title: `${formatPercent(elapsed)} of the time gone` });
    mark.style.left = `${Math.max(0, Math.min(100, elapsed))}%`;
    bar.append(mark);
  }
  return bar;
}

function heatmapInput(data: HeatmapChart) {
  return { x: data.x_labels, y: data.y_labels, data: data.data, min: data.min, max: data.max };
}

function isEmptyHeatmap(data: HeatmapChart): boolean {
  return data.data.every((row) => row.every((value) => value === null));
}
