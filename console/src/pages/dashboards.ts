// The dashboards the caller may see: public ones for everyone, private ones for their owner (and admins)
// once signed in.

import { api, isAbort, messageOf } from "../api";
import { h, replace, select, status } from "../dom";
import { formatInstant } from "../format";
import { replaceQuery } from "../router";
import { currentToken } from "../session";
import type { Dashboard, Page } from "../types";

const TYPES: Array<[string, string]> = [
  ["", "All types"],
  ["executive", "Executive"],
  ["partner", "Partners"],
  ["project", "Projects"],
  ["social_media", "Social media"],
  ["notification", "Notifications"],
  ["custom", "Custom"],
];

export async function dashboardsPage(root: HTMLElement, query: URLSearchParams, signal: AbortSignal): Promise<void> {
  let type = query.get("type") ?? "";
  let name = query.get("name") ?? "";
  const list = h("div", { class: "dashboard-list", "aria-live": "polite" });
  const search = h("input", { id: "dashboard-search", type: "search", value: name, placeholder: "Part of a name" });
  let debounce: number | undefined;
  search.addEventListener("input", () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => {
      name = search.value.trim();
      void load();
    }, 250);
  });
  replace(
    root,
    h("div", { class: "page-head" }, h("h1", null, "Dashboards")),
    currentToken()
      ? null
      : h("p", { class: "notice" }, "You see the public dashboards. Sign in with a token to see your private ones too."),
    h(
      "div",
      { class: "toolbar" },
      select("Type", TYPES, type, (value) => {
        type = value;
        void load();
      }),
      h("div", { class: "field" }, h("label", { for: "dashboard-search" }, "Name"), search),
    ),
    list,
  );

  async function load(): Promise<void> {
    replaceQuery({ type: type || null, name: name || null });
    root.dataset.state = "loading";
    replace(list, status("loading", "Loading the dashboards…"));
    try {
      const page = await api<Page<Dashboard>>("/dashboards", {
        query: { dashboard_type: type || null, name: name || null, limit: 100 },
        signal,
      });
      if (page.items.length === 0) {
        replace(list, status("empty", name || type ? "No dashboard matches." : "There are no dashboards yet."));
      } else {
        replace(
          list,
          h(
            "ul",
            { class: "cards" },
            ...page.items.map((dashboard) =>
              h(
                "li",
                { class: "card", "data-dashboard-id": dashboard.id },
                h("h2", { class: "card-title" }, h("a", { href: `#/dashboards/${encodeURIComponent(dashboard.id)}` }, dashboard.name)),
                h(
                  "p",
                  { class: "badges" },
                  h("span", { class: "badge" }, dashboard.dashboard_type.replace(/_/g, " ")),
                  dashboard.is_default ? h("span", { class: "badge" }, "default") : null,
                  h("span", { class: `badge ${dashboard.is_public ? "" : "badge-private"}` }, dashboard.is_public ? "public" : "private"),
                  h("span", { class: "muted" }, `${dashboard.config.widgets.length} widgets`),
                ),
                dashboard.description ? h("p", { class: "description" }, dashboard.description) : null,
                h("p", { class: "muted small" }, `Changed ${formatInstant(dashboard.updated_at)}`),
              ),
            ),
          ),
          page.total > page.items.length ? h("p", { class: "muted" }, `The first ${page.items.length} of ${page.total}.`) : null,
        );
      }
      root.dataset.state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      replace(list, status("error", messageOf(error)));
      root.dataset.state = "error";
    }
  }
  await load();
}
