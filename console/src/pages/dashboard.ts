// One dashboard: its widgets drawn on the 12-column grid from GET /dashboards/{id}/data, with the period,
// time zone and auto-refresh controls. The executive view embeds the same view.

import { api, ApiError, isAbort, messageOf } from "../api";
import { periodControls, periodParams, periodQuery, readPeriod, type PeriodState } from "../controls";
import { h, replace, select, status } from "../dom";
import { formatInstant } from "../format";
import { replaceQuery } from "../router";
import { currentToken } from "../session";
import { signInNeeded } from "../signin";
import type { Dashboard, DashboardData, WidgetConfig } from "../types";
import { widgetUnits } from "../units";
import { drawWidget, widgetCard } from "../widgets";

export const DRAWN_MARK = "console:dashboard-drawn";
const REFRESH_CHOICES: Array<[string, string]> = [
  ["0", "Off"],
  ["30", "Every 30 s"],
  ["60", "Every minute"],
  ["300", "Every 5 minutes"],
];

export interface DashboardViewOptions {
  root: HTMLElement;
  query: URLSearchParams;
  signal: AbortSignal;
  dashboard: Dashboard;
  /** Drawn above the widgets with every load (the executive summary); resolves once it is drawn. */
  extra?: (period: Record<string, string>, signal: AbortSignal) => Promise<Node>;
  headingLevel?: "h1" | "h2";
}

/** Draws the dashboard and keeps it current; everything stops when `signal` aborts. */
export function dashboardView(options: DashboardViewOptions): void {
  const { root, dashboard, signal } = options;
  const configs = new Map<string, WidgetConfig>(dashboard.config.widgets.map((widget) => [widget.id, widget]));
  let period: PeriodState = readPeriod(options.query, { preset: "default", tz: dashboard.config.filters.tz || "UTC" });
  let refreshSeconds = Number(options.query.get("refresh") ?? "0") || 0;
  let timer: number | undefined;
  let loading: AbortController | null = null;
  const units = widgetUnits(dashboard.config.widgets);

  const updated = h("p", { class: "muted updated", "aria-live": "polite" });
  const extraBox = h("div", { class: "extra" });
  const problem = h("div", { class: "dashboard-problem" });
  const grid = h("div", { class: "grid", "data-dashboard-id": dashboard.id });
  const refreshNow = h("button", { type: "button", class: "button secondary" }, "Refresh now");
  refreshNow.addEventListener("click", () => void load());

  const controls = h(
    "div",
    { class: "toolbar", role: "group", "aria-label": "Period and refresh" },
    periodControls(period, {
      defaultLabel: "Each widget's own period",
      onChange: (next) => {
        period = next;
        remember();
        void load();
      },
    }),
    h(
      "div",
      { class: "refresh-controls" },
      select("Auto-refresh", REFRESH_CHOICES, String(refreshSeconds), (value) => {
        refreshSeconds = Number(value);
        remember();
        schedule();
      }, { "data-control": "refresh" }),
      refreshNow,
    ),
  );
  const Heading = options.headingLevel ?? "h1";
  root.append(
    h(
      "div",
      { class: "page-head" },
      h(Heading, { class: "dashboard-name" }, dashboard.name),
      h(
        "p",
        { class: "badges" },
        h("span", { class: "badge" }, dashboard.dashboard_type.replace(/_/g, " ")),
        dashboard.is_default ? h("span", { class: "badge" }, "default") : null,
        h("span", { class: `badge ${dashboard.is_public ? "" : "badge-private"}` }, dashboard.is_public ? "public" : "private"),
      ),
      dashboard.description ? h("p", { class: "description" }, dashboard.description) : null,
    ),
    controls,
    updated,
    extraBox,
    problem,
    grid,
  );

  function remember(): void {
    replaceQuery({ ...periodParams(period), refresh: refreshSeconds ? String(refreshSeconds) : null });
  }

  function schedule(): void {
    window.clearInterval(timer);
    if (refreshSeconds > 0) {
      timer = window.setInterval(() => {
        if (!document.hidden) void load();
      }, refreshSeconds * 1000);
    }
  }
  signal.addEventListener("abort", () => {
    window.clearInterval(timer);
    loading?.abort();
  });

  async function load(): Promise<void> {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    const stop = () => controller.abort();
    signal.addEventListener("abort", stop);
    root.dataset.state = "loading";
    grid.setAttribute("aria-busy", "true");
    if (!grid.firstChild) replace(grid, status("loading", "Loading the widgets…"));
    const query = periodQuery(period);
    try {
      const [data, unitById, extra] = await Promise.all([
        api<DashboardData>(`/dashboards/${encodeURIComponent(dashboard.id)}/data`, { query, signal: controller.signal }),
        units,
        options.extra ? options.extra(query, controller.signal) : Promise.resolve(null),
      ]);
      if (extra) replace(extraBox, extra);
      replace(problem);
      draw(data, unitById);
      updated.textContent = `Updated ${formatInstant(new Date())} · times in ${data.tz}`;
      root.dataset.state = "ready";
      performance.mark(DRAWN_MARK);
    } catch (error) {
      if (isAbort(error)) return;
      root.dataset.state = "error";
      replace(problem, status("error", messageOf(error)));
      if (grid.querySelector(".state-loading")) replace(grid);
    } finally {
      grid.removeAttribute("aria-busy");
      signal.removeEventListener("abort", stop);
    }
  }

  function draw(data: DashboardData, unitById: Map<string, string | null>): void {
    if (data.widgets.length === 0) {
      replace(grid, status("empty", "This dashboard has no widgets yet."));
      return;
    }
    grid.querySelector(".state")?.remove();
    // Reading order follows the grid: by row, then by column.
    const ordered = [...data.widgets].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);
    const kept = new Set<string>();
    for (const widget of ordered) {
      let card = grid.querySelector<HTMLElement>(`:scope > [data-widget-id="${CSS.escape(widget.id)}"]`);
      if (!card) card = widgetCard(widget);
      grid.append(card); // keeps the order
      kept.add(widget.id);
      try {
        drawWidget(card, widget, { config: configs.get(widget.id), unit: unitById.get(widget.id) ?? null, signal });
      } catch (error) {
        card.dataset.state = "error";
        const body = card.querySelector(".widget-body");
        if (body) replace(body, status("error", `This widget could not be drawn: ${messageOf(error)}`));
      }
    }
    grid.querySelectorAll<HTMLElement>(":scope > .widget").forEach((card) => {
      if (!kept.has(card.dataset.widgetId ?? "")) card.remove();
    });
  }

  schedule();
  void load();
}

/** Shows a dashboard by id: GET /dashboards/{id}, then the view. */
export async function dashboardPage(root: HTMLElement, id: string, query: URLSearchParams, signal: AbortSignal): Promise<void> {
  replace(root, status("loading", "Loading the dashboard…"));
  try {
    const dashboard = await api<Dashboard>(`/dashboards/${encodeURIComponent(id)}`, { signal });
    replace(root, h("p", { class: "crumbs" }, h("a", { href: "#/dashboards" }, "Dashboards")));
    document.title = `${dashboard.name} · Analytics console`;
    dashboardView({ root, query, signal, dashboard });
  } catch (error) {
    if (isAbort(error)) return;
    const hidden = error instanceof ApiError && error.status === 404 && !currentToken();
    replace(
      root,
      h("p", { class: "crumbs" }, h("a", { href: "#/dashboards" }, "Dashboards")),
      h("h1", null, "Dashboard"),
      status("error", messageOf(error)),
      hidden ? signInNeeded("If it is one of your private dashboards, sign in to see it.") : null,
    );
    root.dataset.state = "error";
  }
}
