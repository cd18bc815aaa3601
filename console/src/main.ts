// The console's shell: the navigation, who is signed in, and the view the URL's fragment names.

import "./styles.css";

import { h, replace, status } from "./dom";
import { dashboardPage } from "./pages/dashboard";
import { dashboardsPage } from "./pages/dashboards";
import { executivePage } from "./pages/executive";
import { explorePage } from "./pages/explore";
import { forecastsPage } from "./pages/forecasts";
import { goalPage, goalsPage } from "./pages/goals";
import { reportsPage } from "./pages/reports";
import { currentLocation } from "./router";
import { onSessionChange } from "./session";
import { sessionBox } from "./signin";

const SECTIONS: Array<[string, string]> = [
  ["executive", "Executive"],
  ["dashboards", "Dashboards"],
  ["explore", "Explore"],
  ["forecasts", "Forecasts"],
  ["goals", "Goals"],
  ["reports", "Reports"],
];
const TITLES: Record<string, string> = Object.fromEntries(SECTIONS);

let current: AbortController | null = null;

function render(): void {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { path, query } = currentLocation();
  const [section = "executive", id] = path;
  const main = document.getElementById("main") as HTMLElement;
  const page = h("div", { class: "page", "data-page": section });
  replace(main, page);
  drawNav(section);
  drawSession();
  document.title = `${TITLES[section] ?? "Not found"} · Analytics console`;
  const signal = controller.signal;
  switch (section) {
    case "executive":
      void executivePage(page, query, signal);
      break;
    case "dashboards":
      void (id ? dashboardPage(page, id, query, signal) : dashboardsPage(page, query, signal));
      break;
    case "explore":
      void explorePage(page, query, signal);
      break;
    case "forecasts":
      void forecastsPage(page, query, signal);
      break;
    case "goals":
      void (id ? goalPage(page, id, signal) : goalsPage(page, query, signal));
      break;
    case "reports":
      void reportsPage(page, query, signal);
      break;
    default:
      replace(page, h("h1", null, "Not found"), status("error", "The console has no such page."), h("a", { href: "#/executive" }, "Go to the executive dashboard"));
  }
}

function drawNav(section: string): void {
  const nav = document.getElementById("nav");
  if (!nav) return;
  replace(
    nav,
    h(
      "ul",
      null,
      ...SECTIONS.map(([id, label]) =>
        h("li", null, h("a", { href: `#/${id}`, "aria-current": id === section ? "page" : null }, label)),
      ),
    ),
  );
}

function drawSession(): void {
  const box = document.getElementById("session");
  if (box) replace(box, sessionBox());
}

window.addEventListener("hashchange", () => {
  render();
  // Focus moves to the new view, as it would on a page load, for keyboard and screen reader users.
  document.getElementById("main")?.focus({ preventScroll: true });
});
onSessionChange(render);
document.getElementById("boot")?.remove();
render();
