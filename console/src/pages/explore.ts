// Explore: one metric with dimension filters, an interval, an aggregation and a grouping, answered by
// GET /metrics/time-series/data as a chart and a table; the table downloads as CSV and the view's link
// reopens it.

import { api, isAbort, messageOf } from "../api";
import { defaultMetric, metricCatalogue, metricOptions, type MetricEntry } from "../catalogue";
import { drawChart, seriesOption } from "../charts";
import { periodControls, periodParams, periodQuery, readPeriod, type PeriodState } from "../controls";
import { download, fileName, toCsv } from "../csv";
import { h, replace, select, status, uid } from "../dom";
import { formatBucket, formatPeriod, formatValue, humanize, type Interval } from "../format";
import type { Aggregate, TimeSeriesAnswer } from "../types";
import { sampleOf } from "../units";
import { aggregateLabel } from "../widgets";

const INTERVALS: Array<[Interval, string]> = [
  ["hour", "Hour"],
  ["day", "Day"],
  ["week", "Week"],
  ["month", "Month"],
];
const AGGREGATES: Array<[Aggregate, string]> = [
  ["sum", "Total"],
  ["avg", "Average"],
  ["count", "Count"],
  ["min", "Smallest"],
  ["max", "Largest"],
  ["p95", "95th percentile"],
];

interface ExploreState {
  metric: string;
  interval: Interval;
  agg: Aggregate;
  group: string;
  filters: Array<[string, string]>;
  period: PeriodState;
}

function readState(query: URLSearchParams): ExploreState {
  const interval = query.get("interval") as Interval | null;
  const agg = query.get("agg") as Aggregate | null;
  return {
    metric: query.get("metric") ?? "",
    interval: interval && INTERVALS.some(([id]) => id === interval) ? interval : "day",
    agg: agg && AGGREGATES.some(([id]) => id === agg) ? agg : "sum",
    group: query.get("group") ?? "",
    filters: query
      .getAll("filter")
      .map((pair) => {
        const at = pair.indexOf(":");
        return at > 0 ? ([pair.slice(0, at), pair.slice(at + 1)] as [string, string]) : null;
      })
      .filter((pair): pair is [string, string] => pair !== null),
    period: readPeriod(query, { preset: "last_30_days", tz: "UTC" }),
  };
}

function writeState(state: ExploreState): void {
  const { range, from, to, tz } = periodParams(state.period);
  // URLSearchParams keeps repeated filters; replaceQuery takes single values, so the link is built here.
  const params = new URLSearchParams();
  const single: Record<string, string | null> = {
    metric: state.metric,
    interval: state.interval,
    agg: state.agg,
    group: state.group || null,
    range,
    from,
    to,
    tz,
  };
  for (const [name, value] of Object.entries(single)) if (value) params.set(name, value);
  for (const [key, value] of state.filters) if (key) params.append("filter", `${key}:${value}`);
  history.replaceState(history.state, "", `#/explore?${params.toString()}`);
}

export async function explorePage(root: HTMLElement, query: URLSearchParams, signal: AbortSignal): Promise<void> {
  const state = readState(query);
  replace(root, h("div", { class: "page-head" }, h("h1", null, "Explore")), status("loading", "Loading the metrics…"));
  let entries: MetricEntry[];
  try {
    entries = await metricCatalogue();
  } catch (error) {
    if (isAbort(error)) return;
    replace(root, h("h1", null, "Explore"), status("error", messageOf(error)));
    return;
  }
  if (entries.length === 0) {
    replace(root, h("h1", null, "Explore"), status("empty", "No metrics were recorded in the last year: there is nothing to explore yet."));
    return;
  }
  if (!entries.some((entry) => entry.metric_name === state.metric)) state.metric = defaultMetric(entries);

  const form = h("form", { class: "explore-form", "aria-label": "What to show" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run();
  });
  const filtersBox = h("fieldset", { class: "filters" });
  const groupBox = h("div", { class: "group-field" });
  const result = h("section", { class: "explore-result", "aria-live": "polite", "aria-label": "Answer" });
  const linkId = uid("link");
  const link = h("input", { id: linkId, class: "share-link", readonly: true, value: "" });
  const copy = h("button", { type: "button", class: "button secondary" }, "Copy link");
  const copied = h("span", { class: "muted", role: "status" });
  copy.addEventListener("click", async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "Press Ctrl+C (or ⌘C) to copy the selected link.";
    }
  });
  let dimensionKeys: string[] = [];

  form.append(
    select("Metric", metricOptions(entries), state.metric, async (value) => {
      state.metric = value;
      state.filters = state.filters.filter(([key]) => !key || dimensionKeys.includes(key));
      await loadKeys();
      void run();
    }, { "data-control": "metric" }),
    select("Interval", INTERVALS, state.interval, (value) => {
      state.interval = value as Interval;
      void run();
    }, { "data-control": "interval" }),
    select("Aggregation", AGGREGATES, state.agg, (value) => {
      state.agg = value as Aggregate;
      void run();
    }, { "data-control": "agg" }),
    groupBox,
    periodControls(state.period, {
      onChange: (next) => {
        state.period = next;
        void run();
      },
    }),
    filtersBox,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button" }, "Show")),
  );
  replace(
    root,
    h("div", { class: "page-head" }, h("h1", null, "Explore"), h("p", { class: "description" }, "Pick a metric, narrow it with filters, and group it.")),
    form,
    h("div", { class: "share" }, h("label", { for: linkId }, "Link to this view"), link, copy, copied),
    result,
  );

  async function loadKeys(): Promise<void> {
    const sample = await sampleOf(state.metric);
    dimensionKeys = Object.keys(sample?.dimensions ?? {}).sort();
    drawGroup();
    drawFilters();
  }

  function drawGroup(): void {
    const fields: Array<[string, string]> = [
      ["", "Nothing (one series)"],
      ["service_name", "Service"],
      ["metric_type", "Metric type"],
      ...dimensionKeys.map((key) => [`dimensions.${key}`, humanize(key)] as [string, string]),
    ];
    if (state.group && !fields.some(([id]) => id === state.group)) fields.push([state.group, humanize(state.group)]);
    replace(groupBox, select("Group by", fields, state.group, (value) => {
      state.group = value;
      void run();
    }, { "data-control": "group" }));
  }

  function drawFilters(): void {
    const rows = state.filters.map(([key, value], index) => {
      const keyId = uid("filter-key");
      const valueId = uid("filter-value");
      const keySelect = h("select", { id: keyId }, ...dimensionKeys.map((name) => h("option", { value: name }, humanize(name))));
      if (key && !dimensionKeys.includes(key)) keySelect.append(h("option", { value: key }, humanize(key)));
      keySelect.value = key || dimensionKeys[0] || "";
      const valueInput = h("input", { id: valueId, value, autocomplete: "off" });
      valueInput.value = value;
      const update = () => {
        state.filters[index] = [keySelect.value, valueInput.value.trim()];
        void run();
      };
      keySelect.addEventListener("change", update);
      valueInput.addEventListener("change", update);
      const remove = h("button", { type: "button", class: "button link", "aria-label": `Remove the filter on ${humanize(key || "")}` }, "Remove");
      remove.addEventListener("click", () => {
        state.filters.splice(index, 1);
        drawFilters();
        void run();
      });
      return h(
        "div",
        { class: "filter-row" },
        h("div", { class: "field" }, h("label", { for: keyId }, "Dimension"), keySelect),
        h("div", { class: "field" }, h("label", { for: valueId }, "is"), valueInput),
        remove,
      );
    });
    const add = h("button", { type: "button", class: "button secondary" }, "Add a filter");
    add.disabled = dimensionKeys.length === 0;
    add.addEventListener("click", () => {
      state.filters.push([dimensionKeys[0] ?? "", ""]);
      drawFilters();
      filtersBox.querySelector<HTMLInputElement>(".filter-row:last-of-type input")?.focus();
    });
    replace(
      filtersBox,
      h("legend", null, "Filters"),
      ...rows,
      rows.length ? null : h("p", { class: "muted" }, dimensionKeys.length ? "No filter: every metric of this name." : "This metric has no dimensions to filter by."),
      add,
    );
  }

  let running: AbortController | null = null;
  async function run(): Promise<void> {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    writeState(state);
    link.value = window.location.href;
    copied.textContent = "";
    root.dataset.state = "loading";
    result.setAttribute("aria-busy", "true");
    if (!result.querySelector(".chart")) replace(result, status("loading", "Asking the service…"));
    const dimensions: Record<string, string> = {};
    for (const [key, value] of state.filters) if (key && value) dimensions[`dimensions.${key}`] = value;
    try {
      const [answer, sample] = await Promise.all([
        api<TimeSeriesAnswer>("/metrics/time-series/data", {
          query: {
            metric_name: state.metric,
            interval: state.interval,
            agg: state.agg,
            fill: state.agg === "sum" || state.agg === "count" ? "zero" : "null",
            group_by: state.group || null,
            ...periodQuery(state.period),
            ...dimensions,
          },
          signal: controller.signal,
        }),
        sampleOf(state.metric),
      ]);
      const unit = state.agg === "count" ? null : sample?.unit ?? null;
      drawAnswer(answer, unit, controller.signal);
      root.dataset.state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      replace(result, status("error", messageOf(error)));
      root.dataset.state = "error";
    } finally {
      result.removeAttribute("aria-busy");
    }
  }

  function drawAnswer(answer: TimeSeriesAnswer, unit: string | null, runSignal: AbortSignal): void {
    const names = answer.series.map((series) =>
      Object.values(series.group).length ? Object.values(series.group).map((v) => v ?? "(none)").join(" / ") : humanize(state.metric),
    );
    const integer = state.agg === "count";
    const title = `${aggregateLabel(state.agg)} of ${state.metric.replace(/_/g, " ")} per ${state.interval}`;
    const empty = answer.series.length === 0 || answer.series.every((s) => s.values.every((v) => v === null || v === 0));
    const header = ["period_start", ...names];
    const rows = answer.buckets.map((bucket, index) => [bucket, ...answer.series.map((series) => series.values[index])]);
    const csvButton = h("button", { type: "button", class: "button secondary", "data-action": "csv" }, "Download CSV");
    csvButton.addEventListener("click", () =>
      download(
        fileName("explore", state.metric, state.interval, state.agg, answer.start.slice(0, 10), answer.end.slice(0, 10)) + ".csv",
        toCsv(header, rows),
      ),
    );
    const chartBox = h("div", { class: "chart chart-large" });
    const table = h(
      "table",
      { class: "data-table" },
      h("caption", { class: "visually-hidden" }, title),
      h(
        "thead",
        null,
        h("tr", null, h("th", { scope: "col" }, "Period"), ...names.map((name) => h("th", { scope: "col", class: "numeric" }, name))),
      ),
      h(
        "tbody",
        null,
        ...answer.buckets.map((bucket, index) =>
          h(
            "tr",
            null,
            h("th", { scope: "row" }, formatBucket(bucket, state.interval, true)),
            ...answer.series.map((series) => h("td", { class: "numeric" }, formatValue(series.values[index], unit, { integer }))),
          ),
        ),
      ),
    );
    replace(
      result,
      h(
        "div",
        { class: "result-head" },
        h("h2", null, title),
        h("p", { class: "muted" }, `${formatPeriod(answer.start, answer.end)} · ${answer.tz} · ${answer.buckets.length} periods, ${answer.series.length} series`),
        csvButton,
      ),
      empty ? status("empty", "No data for this choice in this period.") : chartBox,
      h("div", { class: "table-scroll tall" }, table),
    );
    if (!empty) {
      drawChart(
        chartBox,
        seriesOption({
          labels: answer.buckets,
          series: answer.series.map((series, index) => ({ name: names[index], data: series.values })),
          stacked: false,
          area: false,
          unit,
          interval: state.interval,
          integer,
        }),
        runSignal,
      );
    }
  }

  await loadKeys();
  await run();
}
