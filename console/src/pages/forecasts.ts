// Forecasts and anomalies: a metric's history with its forecast and interval band
// (POST /advanced/forecasts), and the unusual points of that history marked
// (POST /advanced/calculate, anomaly_detection). Both need an analyst's or admin's token.

import { api, isAbort, messageOf } from "../api";
import { defaultMetric, metricCatalogue, metricOptions, type MetricEntry } from "../catalogue";
import { drawChart, FONT, tooltip, type Option } from "../charts";
import { h, replace, select, status } from "../dom";
import { formatBucket, formatValue, humanize, type Interval } from "../format";
import { ANOMALY, BAND, SERIES_COLOURS } from "../palette";
import { browserZone, timeZones } from "../period";
import { href, replaceQuery } from "../router";
import { currentToken } from "../session";
import { signInNeeded } from "../signin";
import type { Aggregate } from "../types";
import { unitOf } from "../units";
import { aggregateLabel } from "../widgets";

type Period = "day" | "week" | "month" | "quarter" | "year";
const PERIODS: Array<[Period, string, number, number]> = [
  // id, label, periods forecast by default, periods of history shown
  ["day", "Days", 14, 120],
  ["week", "Weeks", 12, 104],
  ["month", "Months", 6, 36],
  ["quarter", "Quarters", 4, 20],
  ["year", "Years", 2, 15],
];
const CONFIDENCES: Array<[string, string]> = [
  ["0.8", "80 %"],
  ["0.9", "90 %"],
  ["0.95", "95 %"],
];
const AGGREGATES: Array<[Aggregate, string]> = [
  ["sum", "Total"],
  ["count", "Count"],
  ["avg", "Average"],
  ["max", "Largest"],
];

interface PeriodValue {
  start: string;
  value: number;
}
interface Predicted extends PeriodValue {
  lower: number;
  upper: number;
}
interface ForecastAnswer {
  history: PeriodValue[];
  forecast: Predicted[];
  confidence_level: number;
  trend: { direction: string; slope_per_period: number; p_value: number } | null;
  seasonality: { period: number; strength: number } | null;
  model: string;
  accuracy: { holdout_periods: number; mase: number | null; smape: number; coverage: number } | null;
  warnings: string[];
}
interface ScoredPoint {
  start: string;
  value: number;
  score: number;
  is_anomaly: boolean;
}
interface AnomalyAnswer {
  points: ScoredPoint[];
  anomalies: ScoredPoint[];
}

export async function forecastsPage(root: HTMLElement, query: URLSearchParams, signal: AbortSignal): Promise<void> {
  const head = h(
    "div",
    { class: "page-head" },
    h("h1", null, "Forecasts and anomalies"),
    h("p", { class: "description" }, "A metric's history, where it is heading with its likely range, and the points of its history that stood out."),
  );
  if (!currentToken()) {
    replace(root, head, signInNeeded("Forecasts are computed for analysts and admins: sign in with such a token."));
    root.dataset.state = "ready";
    return;
  }
  replace(root, head, status("loading", "Loading the metrics…"));
  let entries: MetricEntry[];
  try {
    entries = await metricCatalogue();
  } catch (error) {
    if (isAbort(error)) return;
    replace(root, head, status("error", messageOf(error)));
    return;
  }
  if (entries.length === 0) {
    replace(root, head, status("empty", "No metrics were recorded in the last year: there is nothing to forecast yet."));
    return;
  }
  const requestedPeriod = query.get("period") as Period | null;
  const state = {
    metric: entries.some((e) => e.metric_name === query.get("metric")) ? (query.get("metric") as string) : defaultMetric(entries),
    period: PERIODS.some(([id]) => id === requestedPeriod) ? (requestedPeriod as Period) : ("day" as Period),
    confidence: CONFIDENCES.some(([id]) => id === query.get("confidence")) ? (query.get("confidence") as string) : "0.9",
    agg: AGGREGATES.some(([id]) => id === query.get("agg")) ? (query.get("agg") as Aggregate) : ("sum" as Aggregate),
    tz: timeZones().includes(query.get("tz") ?? "") ? (query.get("tz") as string) : "UTC",
  };
  const result = h("section", { class: "forecast-result", "aria-live": "polite", "aria-label": "Forecast" });
  const own = browserZone();
  const zoneChoices: Array<[string, string]> = [["UTC", "UTC"], ...(own !== "UTC" ? ([[own, own]] as Array<[string, string]>) : [])];
  if (!zoneChoices.some(([zone]) => zone === state.tz)) zoneChoices.push([state.tz, state.tz]);
  replace(
    root,
    head,
    h(
      "form",
      { class: "toolbar", "aria-label": "What to forecast" },
      select("Metric", metricOptions(entries), state.metric, (value) => {
        state.metric = value;
        void run();
      }, { "data-control": "metric" }),
      select("By", PERIODS.map(([id, label]) => [id, label] as [string, string]), state.period, (value) => {
        state.period = value as Period;
        void run();
      }, { "data-control": "period" }),
      select("Aggregation", AGGREGATES, state.agg, (value) => {
        state.agg = value as Aggregate;
        void run();
      }),
      select("Likely range", CONFIDENCES, state.confidence, (value) => {
        state.confidence = value;
        void run();
      }),
      select("Time zone", zoneChoices, state.tz, (value) => {
        state.tz = value;
        void run();
      }),
    ),
    result,
  );

  let running: AbortController | null = null;
  async function run(): Promise<void> {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    signal.addEventListener("abort", () => controller.abort(), { once: true });
    replaceQuery({ metric: state.metric, period: state.period, confidence: state.confidence, agg: state.agg, tz: state.tz });
    root.dataset.state = "loading";
    replace(result, status("loading", "Computing the forecast…"));
    const [, , periods, shown] = PERIODS.find(([id]) => id === state.period) ?? PERIODS[0];
    const series = { metric_name: state.metric, agg: state.agg, tz: state.tz };
    try {
      const forecast = await api<ForecastAnswer>("/advanced/forecasts", {
        method: "POST",
        body: { ...series, period: state.period, periods, confidence_level: Number(state.confidence) },
        signal: controller.signal,
      });
      const history = forecast.history.slice(-shown);
      let anomalies: AnomalyAnswer | null = null;
      const interval = state.period === "day" || state.period === "week" || state.period === "month" ? state.period : null;
      if (interval && history.length) {
        anomalies = await api<AnomalyAnswer>("/advanced/calculate", {
          method: "POST",
          body: {
            calculation: "anomaly_detection",
            series,
            interval,
            tz: state.tz,
            start_date: history[0].start.slice(0, 10),
            end_date: history[history.length - 1].start.slice(0, 10),
          },
          signal: controller.signal,
        });
      }
      const unit = state.agg === "count" ? null : await unitOf(state.metric);
      draw({ ...forecast, history }, anomalies, unit, controller.signal);
      root.dataset.state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      replace(result, status("error", messageOf(error)));
      root.dataset.state = "error";
    }
  }

  function draw(answer: ForecastAnswer, anomalies: AnomalyAnswer | null, unit: string | null, runSignal: AbortSignal): void {
    const interval = state.period as Interval;
    const integer = state.agg === "count";
    const value = (v: number | null) => formatValue(v, unit, { integer });
    const labels = [...answer.history.map((p) => p.start)];
    for (const point of answer.forecast) if (!labels.includes(point.start)) labels.push(point.start);
    const at = (start: string) => labels.indexOf(start);
    const empty = () => labels.map(() => null as number | null);
    const history = empty();
    answer.history.forEach((p) => (history[at(p.start)] = p.value));
    const centre = empty();
    const lower = empty();
    const width = empty();
    answer.forecast.forEach((p) => {
      centre[at(p.start)] = p.value;
      lower[at(p.start)] = p.lower;
      width[at(p.start)] = p.upper - p.lower;
    });
    // The forecast line starts from the last known point, so the two read as one line.
    const last = answer.history[answer.history.length - 1];
    if (last && centre[at(last.start)] === null) centre[at(last.start)] = last.value;
    const byDay = new Map(labels.map((label) => [label.slice(0, 10), label]));
    const flagged = (anomalies?.anomalies ?? []).filter((p) => byDay.has(p.start.slice(0, 10)));
    const level = `${Math.round(answer.confidence_level * 100)} %`;
    const option: Option = {
      grid: { left: 8, right: 20, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontFamily: FONT }, data: ["History", "Forecast", `Likely range (${level})`, "Unusual point"] },
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: (params: Array<{ dataIndex: number }>) => {
          const index = params[0]?.dataIndex ?? 0;
          const rows = [] as Array<{ name: string; value: string; colour?: string }>;
          if (history[index] !== null) rows.push({ name: "History", value: value(history[index]), colour: SERIES_COLOURS[0] });
          const predicted = answer.forecast.find((p) => p.start === labels[index]);
          if (predicted) {
            rows.push({ name: "Forecast", value: value(predicted.value), colour: SERIES_COLOURS[1] });
            rows.push({ name: `Likely range (${level})`, value: `${value(predicted.lower)} – ${value(predicted.upper)}` });
          }
          const unusual = flagged.find((p) => p.start.slice(0, 10) === labels[index].slice(0, 10));
          if (unusual) rows.push({ name: "Unusual point", value: `score ${unusual.score.toFixed(2)}`, colour: ANOMALY });
          return tooltip(formatBucket(labels[index], interval, true), rows);
        },
      },
      xAxis: {
        type: "category",
        data: labels,
        boundaryGap: false,
        axisLabel: { hideOverlap: true, formatter: (label: string) => formatBucket(label, interval) },
      },
      yAxis: {
        type: "value",
        axisLabel: { formatter: (v: number) => formatValue(v, unit, { compact: true }) },
        splitLine: { lineStyle: { color: "#e3e6ea" } },
      },
      series: [
        { name: "History", type: "line", data: history, showSymbol: false, lineStyle: { width: 2 }, color: SERIES_COLOURS[0] },
        { name: "band-lower", type: "line", data: lower, stack: "band", lineStyle: { opacity: 0 }, showSymbol: false, silent: true, tooltip: { show: false } },
        {
          name: `Likely range (${level})`,
          type: "line",
          data: width,
          stack: "band",
          lineStyle: { opacity: 0 },
          areaStyle: { color: BAND },
          color: BAND,
          showSymbol: false,
          silent: true,
        },
        {
          name: "Forecast",
          type: "line",
          data: centre,
          showSymbol: false,
          lineStyle: { width: 2, type: "dashed" },
          color: SERIES_COLOURS[1],
        },
        {
          name: "Unusual point",
          type: "scatter",
          symbol: "triangle",
          symbolSize: 13,
          color: ANOMALY,
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          data: flagged.map((p) => [byDay.get(p.start.slice(0, 10)) as string, p.value]),
          z: 5,
        },
      ],
    };
    const chartBox = h("div", { class: "chart chart-large", "data-marked": flagged.length });
    const summary: string[] = [];
    if (answer.trend) summary.push(`Trend: ${answer.trend.direction} (${value(answer.trend.slope_per_period)} per ${state.period}).`);
    summary.push(answer.seasonality ? `A season of ${answer.seasonality.period} ${state.period}s was found.` : "No season was found.");
    if (answer.accuracy)
      summary.push(
        `Held back ${answer.accuracy.holdout_periods} ${state.period}s to test: ${Math.round(answer.accuracy.coverage * 100)} % of them fell in the likely range.`,
      );
    summary.push(`Model: ${answer.model}.`);
    const anomalyPart = anomalies
      ? flagged.length
        ? h(
            "div",
            { class: "anomalies" },
            h("h3", null, `Unusual points (${flagged.length})`),
            h(
              "ul",
              { class: "anomaly-list" },
              ...flagged.map((p) =>
                h("li", null, h("b", null, formatBucket(p.start, interval, true)), `: ${value(p.value)} (score ${p.score.toFixed(2)})`),
              ),
            ),
          )
        : h("p", { class: "muted anomalies", "data-anomalies": "0" }, "No unusual points in the history shown.")
      : h("p", { class: "muted anomalies" }, "Unusual points are looked for by day, week or month only.");
    replace(
      result,
      h("h2", null, `${humanize(state.metric)}: ${aggregateLabel(state.agg).toLowerCase()} per ${state.period}`),
      chartBox,
      h("p", { class: "muted" }, summary.join(" ")),
      ...answer.warnings.map((warning) => status("notice", warning)),
      anomalyPart,
      h(
        "details",
        { class: "forecast-table" },
        h("summary", null, "The forecast as a table"),
        h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "data-table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", { scope: "col" }, humanize(state.period)),
                h("th", { scope: "col", class: "numeric" }, "Forecast"),
                h("th", { scope: "col", class: "numeric" }, `Low (${level})`),
                h("th", { scope: "col", class: "numeric" }, `High (${level})`),
              ),
            ),
            h(
              "tbody",
              null,
              ...answer.forecast.map((p) =>
                h(
                  "tr",
                  null,
                  h("th", { scope: "row" }, formatBucket(p.start, interval, true)),
                  h("td", { class: "numeric" }, value(p.value)),
                  h("td", { class: "numeric" }, value(p.lower)),
                  h("td", { class: "numeric" }, value(p.upper)),
                ),
              ),
            ),
          ),
        ),
      ),
      h("p", { class: "muted" }, h("a", { href: href(["explore"], { metric: state.metric, interval: interval === "quarter" || interval === "year" ? "month" : interval, agg: state.agg, tz: state.tz }) }, "Explore this metric")),
    );
    drawChart(chartBox, option, runSignal);
  }

  await run();
}
