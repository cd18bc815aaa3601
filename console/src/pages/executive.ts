// The executive view: every service's headline figures (GET /dashboards/executive/default) above the default
// executive dashboard's widgets, both for the same period and time zone.

import { api, ApiError, isAbort, messageOf } from "../api";
import { periodControls, periodParams, periodQuery, readPeriod } from "../controls";
import { h, replace, status } from "../dom";
import { formatChangePercent, formatDay, formatPercent, formatPeriod, formatValue } from "../format";
import { replaceQuery } from "../router";
import type { Dashboard, ExecutiveSummary } from "../types";
import { unitOf } from "../units";
import { progressBar } from "../widgets";
import { dashboardView, DRAWN_MARK } from "./dashboard";

export async function executivePage(root: HTMLElement, query: URLSearchParams, signal: AbortSignal): Promise<void> {
  replace(root, status("loading", "Loading the executive dashboard…"));
  let dashboard: Dashboard | null = null;
  try {
    dashboard = await api<Dashboard>("/dashboards/default/executive", { signal });
  } catch (error) {
    if (isAbort(error)) return;
    if (!(error instanceof ApiError && error.status === 404)) {
      replace(root, h("h1", null, "Executive dashboard"), status("error", messageOf(error)));
      root.dataset.state = "error";
      return;
    }
  }
  replace(root);
  if (dashboard) {
    dashboardView({ root, query, signal, dashboard, extra: summary });
    return;
  }
  // No default executive dashboard saved: the headline figures alone.
  let period = readPeriod(query, { preset: "last_30_days", tz: "UTC" });
  const box = h("div", { class: "extra" });
  const load = async () => {
    root.dataset.state = "loading";
    try {
      replace(box, await summary(periodQuery(period), signal));
      root.dataset.state = "ready";
      performance.mark(DRAWN_MARK);
    } catch (error) {
      if (isAbort(error)) return;
      replace(box, status("error", messageOf(error)));
      root.dataset.state = "error";
    }
  };
  root.append(
    h("div", { class: "page-head" }, h("h1", null, "Executive dashboard")),
    h(
      "div",
      { class: "toolbar" },
      periodControls(period, {
        onChange: (next) => {
          period = next;
          replaceQuery(periodParams(period));
          void load();
        },
      }),
    ),
    status("notice", "No default executive dashboard is saved: these are the headline figures alone."),
    box,
  );
  await load();
}

async function summary(period: Record<string, string>, signal: AbortSignal): Promise<Node> {
  const [figures, money, people] = await Promise.all([
    api<ExecutiveSummary>("/dashboards/executive/default", { query: period, signal }),
    unitOf("donation_received"),
    unitOf("beneficiaries_reached"),
  ]);
  const count = (value: number) => formatValue(value, null, { integer: true });
  const change = formatChangePercent(figures.donations.change_percent);
  const direction = figures.donations.change > 0 ? "up" : figures.donations.change < 0 ? "down" : "flat";
  const cards: Array<[string, string, Node | string | null]> = [
    [
      "Donations",
      formatValue(figures.donations.current, money),
      change
        ? h("span", { class: `change change-${direction}` }, `${direction === "up" ? "▲" : direction === "down" ? "▼" : "▶"} ${change} vs previous period`)
        : "No earlier donations to compare with",
    ],
    ["Gifts", count(figures.donations_count), null],
    ["New partners", count(figures.new_partners), null],
    ["Active partners", count(figures.active_partners.value), asOf(figures.active_partners.as_of)],
    ["Active projects", count(figures.active_projects.value), asOf(figures.active_projects.as_of)],
    ["Projects completed", count(figures.projects_completed), null],
    ["Beneficiaries reached", formatValue(figures.beneficiaries_reached, people, { integer: true }), null],
    ["Social engagements", count(figures.social_engagements), `${formatPercent(figures.social_engagement_rate_percent)} engagement rate`],
    [
      "Notifications sent",
      count(figures.notifications_sent),
      `${formatPercent(figures.notification_delivery_rate_percent)} delivered`,
    ],
    ["Active goals", count(figures.active_goals), `${figures.goals_at_risk.length} at risk`],
  ];
  return h(
    "section",
    { class: "summary", "aria-labelledby": "summary-title", "data-state": "ready" },
    h(
      "h2",
      { id: "summary-title", class: "section-title" },
      "Headline figures ",
      h("span", { class: "muted" }, `${formatPeriod(figures.period.start, figures.period.end)} (${figures.period.tz})`),
    ),
    h(
      "dl",
      { class: "kpis" },
      ...cards.map(([label, value, note]) =>
        h("div", { class: "kpi" }, h("dt", null, label), h("dd", { class: "figure" }, value), note ? h("dd", { class: "muted" }, note) : null),
      ),
    ),
    figures.goals_at_risk.length
      ? h(
          "div",
          { class: "at-risk" },
          h("h3", null, "Goals at risk"),
          h(
            "ul",
            { class: "goal-list" },
            ...figures.goals_at_risk.map((goal) =>
              h(
                "li",
                { class: "goal" },
                h("span", { class: "goal-name" }, goal.name),
                progressBar(goal.progress_percent, goal.elapsed_percent, `${goal.name}: progress`),
                h(
                  "p",
                  { class: "muted" },
                  `${formatValue(goal.current_value, goal.unit)} of ${formatValue(goal.target_value, goal.unit)}, `,
                  `${formatPercent(goal.elapsed_percent)} of the time gone, until ${formatDay(goal.end_date)}`,
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

function asOf(day: string | null): string {
  return day ? `as of ${formatDay(day)}` : "no figure sent yet";
}
