// Goals: progress bars, status, the probability of reaching the target and the forecast fan, from the KPI
// goals API (issue 23): GET /goals and GET /goals/{id}/progress. Kept apart from the rest of the console so
// that following that API as it lands touches this file alone.

import { api, ApiError, isAbort, messageOf } from "../api";
import { drawChart, FONT, tooltip, type Option } from "../charts";
import { h, replace, status } from "../dom";
import { formatDay, formatPercent, formatValue } from "../format";
import { BAND, SERIES_COLOURS, TARGET } from "../palette";
import { addDays } from "../period";
import type { Page } from "../types";
import { progressBar } from "../widgets";

interface Goal {
  id: string;
  name: string;
  description: string | null;
  metric_type: string;
  target_value: number;
  unit: string | null;
  start_date: string;
  end_date: string;
  status: string;
  progress_percentage: number;
  forecast_value: number | null;
  outlook: string | null; // on_track, at_risk, off_track, achieved, failed: as last computed
}

type ProgressStatus = "on_track" | "at_risk" | "off_track" | "achieved" | "failed";

interface Progress {
  current_value: number;
  target_value: number;
  progress_percentage: number;
  remaining: number;
  days_elapsed: number;
  days_left: number;
  needed_per_day: number | null;
  actual_per_day: number | null;
  projected_completion_date: string | null;
  forecast: { value: number; lower: number; upper: number } | null; // 90 % interval at the end date
  probability: number | null; // 0 to 1
  status: ProgressStatus;
  daily: Array<{ date: string; value: number | null; cumulative: number }>; // the day's value, and the goal's then
}

const STATUS_WORDS: Record<string, string> = {
  on_track: "on track",
  at_risk: "at risk",
  off_track: "off track",
  achieved: "achieved",
  failed: "missed",
  active: "active",
  cancelled: "cancelled",
};

function unavailable(error: unknown): string {
  return error instanceof ApiError && error.status === 404
    ? "Goals are not available on this service yet."
    : messageOf(error);
}

export async function goalsPage(root: HTMLElement, _query: URLSearchParams, signal: AbortSignal): Promise<void> {
  replace(root, h("div", { class: "page-head" }, h("h1", null, "Goals")), status("loading", "Loading the goals…"));
  try {
    const page = await api<Page<Goal>>("/goals", { query: { limit: 100 }, signal });
    const list = page.items.length
      ? h(
          "ul",
          { class: "cards" },
          ...page.items.map((goal) =>
            h(
              "li",
              { class: "card goal-card", "data-goal-id": goal.id },
              h("h2", { class: "card-title" }, h("a", { href: `#/goals/${encodeURIComponent(goal.id)}` }, goal.name)),
              h("p", { class: "badges" }, h("span", { class: `badge badge-${goal.outlook ?? goal.status}` }, STATUS_WORDS[goal.outlook ?? goal.status] ?? goal.outlook ?? goal.status)),
              progressBar(goal.progress_percentage, null, `${goal.name}: progress`),
              h(
                "p",
                { class: "muted" },
                `${formatPercent(goal.progress_percentage)} of ${formatValue(goal.target_value, goal.unit)} · until ${formatDay(goal.end_date)}`,
                goal.forecast_value !== null ? ` · forecast ${formatValue(goal.forecast_value, goal.unit)}` : "",
              ),
            ),
          ),
        )
      : status("empty", "No goals yet.");
    replace(root, h("div", { class: "page-head" }, h("h1", null, "Goals")), list);
    root.dataset.state = "ready";
  } catch (error) {
    if (isAbort(error)) return;
    replace(root, h("div", { class: "page-head" }, h("h1", null, "Goals")), status("error", unavailable(error)));
    root.dataset.state = "error";
  }
}

// A goal decided before its end needs no forecast and has no day ahead to reach it on.
const DECIDED_WORDS: Record<string, string> = { achieved: "reached already", failed: "cannot be reached any more" };

function reachedOn(progress: Progress): string {
  if (progress.projected_completion_date) return formatDay(progress.projected_completion_date);
  return DECIDED_WORDS[progress.status] ?? "not at this pace";
}

export async function goalPage(root: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  const crumbs = h("p", { class: "crumbs" }, h("a", { href: "#/goals" }, "Goals"));
  replace(root, crumbs, status("loading", "Loading the goal…"));
  try {
    const [goal, progress] = await Promise.all([
      api<Goal>(`/goals/${encodeURIComponent(id)}`, { signal }),
      api<Progress>(`/goals/${encodeURIComponent(id)}/progress`, { signal }),
    ]);
    const value = (v: number | null | undefined) => formatValue(v ?? null, goal.unit);
    const chartBox = h("div", { class: "chart chart-large" });
    const facts: Array<[string, string]> = [
      ["Now", `${value(progress.current_value)} of ${value(progress.target_value)}`],
      ["Still to go", value(progress.remaining)],
      ["Chance of reaching it", progress.probability === null ? "not known yet" : formatPercent(progress.probability * 100)],
      ["Forecast at the end", progress.forecast ? `${value(progress.forecast.value)} (90 %: ${value(progress.forecast.lower)} – ${value(progress.forecast.upper)})` : DECIDED_WORDS[progress.status] ?? "not known yet"],
      ["Needed per day", value(progress.needed_per_day)],
      ["Reached per day so far", value(progress.actual_per_day)],
      ["Days", `${progress.days_elapsed} gone, ${progress.days_left} left`],
      ["Reached on", reachedOn(progress)],
    ];
    replace(
      root,
      crumbs,
      h(
        "div",
        { class: "page-head" },
        h("h1", null, goal.name),
        h("p", { class: "badges" }, h("span", { class: `badge badge-${progress.status}`, "data-status": progress.status }, STATUS_WORDS[progress.status] ?? progress.status)),
        goal.description ? h("p", { class: "description" }, goal.description) : null,
      ),
      progressBar(progress.progress_percentage, null, `${goal.name}: progress`),
      h("dl", { class: "facts" }, ...facts.map(([term, text]) => h("div", null, h("dt", null, term), h("dd", null, text)))),
      h("h2", null, "Progress and forecast"),
      chartBox,
    );
    drawChart(chartBox, fan(goal, progress), signal);
    root.dataset.state = "ready";
  } catch (error) {
    if (isAbort(error)) return;
    replace(root, crumbs, h("h1", null, "Goal"), status("error", unavailable(error)));
    root.dataset.state = "error";
  }
}

/** The cumulative history, the target, and the forecast fan from the last day to the end date. */
function fan(goal: Goal, progress: Progress): Option {
  const days: string[] = [];
  for (let day = goal.start_date; day <= goal.end_date; day = addDays(day, 1)) days.push(day);
  const index = new Map(days.map((day, i) => [day, i]));
  const none = () => days.map(() => null as number | null);
  const actual = none();
  progress.daily.forEach((point) => {
    const i = index.get(point.date);
    if (i !== undefined) actual[i] = point.cumulative;
  });
  const centre = none();
  const lower = none();
  const width = none();
  const last = progress.daily[progress.daily.length - 1];
  const from = last ? index.get(last.date) ?? 0 : 0;
  const to = days.length - 1;
  if (progress.forecast && to > from) {
    const start = last?.cumulative ?? progress.current_value;
    for (let i = from; i <= to; i += 1) {
      const share = (i - from) / (to - from);
      centre[i] = start + (progress.forecast.value - start) * share;
      lower[i] = start + (progress.forecast.lower - start) * share;
      width[i] = (progress.forecast.upper - progress.forecast.lower) * share;
    }
  }
  const value = (v: number | null) => formatValue(v, goal.unit);
  return {
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, textStyle: { fontFamily: FONT }, data: ["So far", "Forecast", "Likely range (90 %)"] },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params: Array<{ dataIndex: number }>) => {
        const i = params[0]?.dataIndex ?? 0;
        const rows = [] as Array<{ name: string; value: string; colour?: string }>;
        if (actual[i] !== null) rows.push({ name: "So far", value: value(actual[i]), colour: SERIES_COLOURS[0] });
        if (centre[i] !== null) rows.push({ name: "Forecast", value: value(centre[i]), colour: SERIES_COLOURS[1] });
        if (lower[i] !== null && width[i] !== null) rows.push({ name: "Likely range", value: `${value(lower[i])} – ${value((lower[i] ?? 0) + (width[i] ?? 0))}` });
        rows.push({ name: "Target", value: value(goal.target_value), colour: TARGET });
        return tooltip(formatDay(days[i]), rows);
      },
    },
    xAxis: { type: "category", data: days, boundaryGap: false, axisLabel: { hideOverlap: true, formatter: (day: string) => formatDay(day) } },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatValue(v, goal.unit, { compact: true }) } },
    series: [
      {
        name: "So far",
        type: "line",
        data: actual,
        showSymbol: false,
        color: SERIES_COLOURS[0],
        markLine: {
          symbol: "none",
          silent: true,
          lineStyle: { color: TARGET, type: "dotted", width: 2 },
          label: { formatter: `Target ${value(goal.target_value)}`, position: "insideEndTop" },
          data: [{ yAxis: goal.target_value }],
        },
      },
      { name: "fan-lower", type: "line", data: lower, stack: "fan", lineStyle: { opacity: 0 }, showSymbol: false, silent: true },
      { name: "Likely range (90 %)", type: "line", data: width, stack: "fan", lineStyle: { opacity: 0 }, areaStyle: { color: BAND }, color: BAND, showSymbol: false, silent: true },
      { name: "Forecast", type: "line", data: centre, showSymbol: false, lineStyle: { type: "dashed", width: 2 }, color: SERIES_COLOURS[1] },
    ],
  };
}
