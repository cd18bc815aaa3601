// Reports: the list, a form to generate one (POST /reports/generate, which needs a token), its status as the
// worker renders it, and the download (GET /reports/{id}/download redirects to the file).

import { api, isAbort, messageOf } from "../api";
import { h, input, replace, select, status } from "../dom";
import { formatBytes, formatInstant } from "../format";
import { browserZone, timeZones, todayIn } from "../period";
import { currentToken } from "../session";
import { signInNeeded } from "../signin";
import type { Page, Report } from "../types";

const TYPES: Array<[string, string]> = [
  ["daily", "Daily (yesterday)"],
  ["weekly", "Weekly (last full week)"],
  ["monthly", "Monthly (last full month)"],
  ["annual", "Annual (last full year)"],
  ["custom", "Custom dates"],
];
const FORMATS: Array<[string, string]> = [
  ["pdf", "PDF"],
  ["excel", "Excel"],
  ["csv", "CSV"],
  ["json", "JSON"],
];
const STATUS_WORDS: Record<Report["status"], string> = {
  pending: "waiting to be made",
  generating: "being made",
  completed: "ready",
  failed: "failed",
};
const POLL_MS = 1000;

export async function reportsPage(root: HTMLElement, _query: URLSearchParams, signal: AbortSignal): Promise<void> {
  const list = h("div", { class: "report-list", "aria-live": "polite" });
  const form = currentToken() ? generateForm() : signInNeeded("Generating a report needs a token: sign in to make one.");
  replace(
    root,
    h("div", { class: "page-head" }, h("h1", null, "Reports")),
    h("section", { class: "panel", "aria-labelledby": "generate-title" }, h("h2", { id: "generate-title" }, "Generate a report"), form),
    h("section", { "aria-labelledby": "list-title" }, h("h2", { id: "list-title" }, "Reports"), list),
  );
  let timer: number | undefined;
  signal.addEventListener("abort", () => window.clearTimeout(timer));

  async function load(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const page = await api<Page<Report>>("/reports", { query: { limit: 50 }, signal });
      drawList(page);
      root.dataset.state = "ready";
      // While a report is being made, its status is asked again every second.
      if (page.items.some((report) => report.status === "pending" || report.status === "generating")) {
        timer = window.setTimeout(() => void load(), POLL_MS);
      }
    } catch (error) {
      if (isAbort(error)) return;
      replace(list, status("error", messageOf(error)));
      root.dataset.state = "error";
    }
  }

  function drawList(page: Page<Report>): void {
    if (page.items.length === 0) {
      replace(list, status("empty", "No reports yet."));
      return;
    }
    replace(
      list,
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "data-table reports" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ...["Name", "Kind", "Status", "Requested", "File"].map((label) => h("th", { scope: "col" }, label)),
            ),
          ),
          h(
            "tbody",
            null,
            ...page.items.map((report) =>
              h(
                "tr",
                { "data-report-id": report.id, "data-status": report.status },
                h("th", { scope: "row" }, report.name),
                h("td", null, `${report.report_type}, ${report.format.toUpperCase()}`),
                h(
                  "td",
                  null,
                  h("span", { class: `badge badge-report-${report.status}` }, STATUS_WORDS[report.status] ?? report.status),
                  report.error_message ? h("span", { class: "muted small" }, ` ${report.error_message}`) : null,
                ),
                h("td", null, formatInstant(report.created_at), report.created_by ? h("span", { class: "muted small" }, ` by ${report.created_by}`) : null),
                h(
                  "td",
                  null,
                  report.status === "completed" && report.download_url
                    ? h(
                        "a",
                        { href: report.download_url, class: "download", download: report.file_name ?? "" },
                        `Download ${report.file_name ?? ""}`,
                        report.file_size ? h("span", { class: "muted small" }, ` (${formatBytes(report.file_size)})`) : null,
                      )
                    : "",
                ),
              ),
            ),
          ),
        ),
      ),
      page.total > page.items.length ? h("p", { class: "muted" }, `The newest ${page.items.length} of ${page.total}.`) : null,
    );
  }

  function generateForm(): HTMLElement {
    const values = {
      name: "",
      report_type: "monthly",
      format: "pdf",
      tz: browserZone(),
      start_date: todayIn("UTC").slice(0, 8) + "01",
      end_date: todayIn("UTC"),
    };
    const problem = h("p", { class: "field-problem", role: "alert" });
    const dates = h(
      "div",
      { class: "custom-range" },
      input("From", values.start_date, (v) => (values.start_date = v), { type: "date", name: "start_date" }),
      input("To (included)", values.end_date, (v) => (values.end_date = v), { type: "date", name: "end_date" }),
    );
    dates.hidden = true;
    const zones: Array<[string, string]> = timeZones().map((zone) => [zone, zone.replace(/_/g, " ")]);
    const submit = h("button", { type: "submit", class: "button" }, "Generate");
    const element = h(
      "form",
      { class: "report-form" },
      input("Name", values.name, (v) => (values.name = v), { required: true, maxlength: 255, name: "name", placeholder: "Board pack, December" }),
      select("Kind", TYPES, values.report_type, (v) => {
        values.report_type = v;
        dates.hidden = v !== "custom";
      }, { name: "report_type" }),
      dates,
      select("Format", FORMATS, values.format, (v) => (values.format = v), { name: "format" }),
      select("Time zone", zones, values.tz, (v) => (values.tz = v), { name: "tz" }),
      h("div", { class: "form-actions" }, submit),
      problem,
    );
    element.addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = (element.querySelector<HTMLInputElement>('input[name="name"]')?.value ?? values.name).trim();
      if (!name) {
        problem.textContent = "Give the report a name.";
        return;
      }
      const parameters: Record<string, string> = { tz: values.tz };
      if (values.report_type === "custom") {
        if (!values.start_date || !values.end_date || values.end_date < values.start_date) {
          problem.textContent = "Choose the first and last day, the last on or after the first.";
          return;
        }
        parameters.start_date = values.start_date;
        parameters.end_date = values.end_date;
      }
      submit.disabled = true;
      problem.textContent = "";
      try {
        const report = await api<Report>("/reports/generate", {
          method: "POST",
          body: { name, report_type: values.report_type, format: values.format, parameters },
          signal,
        });
        problem.textContent = `“${report.name}” is on its way: its status shows below.`;
        await load();
      } catch (error) {
        if (isAbort(error)) return;
        problem.textContent = messageOf(error);
      } finally {
        submit.disabled = false;
      }
    });
    return element;
  }

  replace(list, status("loading", "Loading the reports…"));
  await load();
}
