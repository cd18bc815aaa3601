// The period and time zone controls that dashboards, the executive view and Explore share, and how their
// state reads from and writes to the view's link.

import { h, select, uid } from "./dom";
import { browserZone, isDay, isPreset, PRESETS, presetRange, timeZones, type Preset } from "./period";

export interface PeriodState {
  preset: Preset;
  from: string | null; // YYYY-MM-DD, with preset "custom"
  to: string | null;
  tz: string;
}

export function readPeriod(query: URLSearchParams, fallback: { preset: Preset; tz: string }): PeriodState {
  const preset = query.get("range");
  const tz = query.get("tz");
  return {
    preset: isPreset(preset) ? preset : fallback.preset,
    from: isDay(query.get("from")) ? query.get("from") : null,
    to: isDay(query.get("to")) ? query.get("to") : null,
    tz: tz && timeZones().includes(tz) ? tz : fallback.tz,
  };
}

/** The state as link parameters. */
export function periodParams(state: PeriodState): Record<string, string | null> {
  return {
    range: state.preset,
    from: state.preset === "custom" ? state.from : null,
    to: state.preset === "custom" ? state.to : null,
    tz: state.tz,
  };
}

/** The start_date, end_date and tz to ask the API for; no dates for "default" (the dashboard's own periods). */
export function periodQuery(state: PeriodState, now: Date = new Date()): Record<string, string> {
  if (state.preset === "custom") {
    return state.from && state.to ? { start_date: state.from, end_date: state.to, tz: state.tz } : { tz: state.tz };
  }
  const range = presetRange(state.preset, state.tz, now);
  return range ? { start_date: range.start, end_date: range.end, tz: state.tz } : { tz: state.tz };
}

/** A problem with the state, in words, or null. */
export function periodProblem(state: PeriodState): string | null {
  if (state.preset !== "custom") return null;
  if (!state.from || !state.to) return "Choose the first and the last day of the range.";
  if (state.to < state.from) return "The last day is before the first day.";
  return null;
}

export function periodControls(
  state: PeriodState,
  options: { defaultLabel?: string; onChange: (state: PeriodState) => void },
): HTMLElement {
  const presets: Array<[string, string]> = [
    ...(options.defaultLabel ? ([["default", options.defaultLabel]] as Array<[string, string]>) : []),
    ...PRESETS,
  ];
  const own = browserZone();
  const zones = timeZones();
  const zoneOptions: Array<[string, string]> = zones.map((zone) => [zone, zone.replace(/_/g, " ")]);
  const suggested: Array<[string, string]> = [["UTC", "UTC"], ...(own !== "UTC" ? ([[own, `${own.replace(/_/g, " ")} (yours)`]] as Array<[string, string]>) : [])];
  if (!zones.includes(state.tz)) zoneOptions.unshift([state.tz, state.tz]);

  const fromId = uid("from");
  const toId = uid("to");
  const from = h("input", { id: fromId, type: "date", value: state.from ?? "" });
  const to = h("input", { id: toId, type: "date", value: state.to ?? "" });
  const custom = h(
    "div",
    { class: "custom-range" },
    h("div", { class: "field" }, h("label", { for: fromId }, "From"), from),
    h("div", { class: "field" }, h("label", { for: toId }, "To (included)"), to),
  );
  custom.hidden = state.preset !== "custom";
  const problem = h("p", { class: "field-problem", role: "alert" });

  let current = { ...state };
  const emit = (next: PeriodState) => {
    current = next;
    const message = periodProblem(next);
    problem.textContent = message ?? "";
    if (!message) options.onChange(next);
  };
  const range = () => emit({ ...current, preset: "custom", from: from.value || null, to: to.value || null });
  from.addEventListener("change", range);
  to.addEventListener("change", range);
  const presetField = select("Period", presets, state.preset, (value) => {
    custom.hidden = value !== "custom";
    if (value === "custom") {
      from.focus();
      if (from.value && to.value) range();
      return;
    }
    problem.textContent = "";
    emit({ ...current, preset: value as Preset });
  }, { "data-control": "period" });
  const zoneField = select(
    "Time zone",
    [{ group: "Suggested", options: suggested }, { group: "All time zones", options: zoneOptions }],
    state.tz,
    (value) => emit({ ...current, tz: value }),
    { "data-control": "tz" },
  );
  return h("div", { class: "period-controls" }, presetField, custom, zoneField, problem);
}
