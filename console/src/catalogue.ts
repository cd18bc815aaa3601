// The metrics there are to pick from: every metric name recorded in the last year, by service, from the
// statistics endpoint (read from the rollups). Asked once per page load.

import { api } from "./api";
import { addDays, todayIn } from "./period";
import type { GroupStatistics } from "./types";

export interface MetricEntry {
  service_name: string;
  metric_type: string;
  metric_name: string;
  count: number;
}

let catalogue: Promise<MetricEntry[]> | null = null;

export function metricCatalogue(): Promise<MetricEntry[]> {
  if (!catalogue) {
    const today = todayIn("UTC");
    catalogue = api<{ groups: GroupStatistics[] }>("/metrics/statistics", {
      query: { group_by: "service_name,metric_type,metric_name", start_date: addDays(today, -365), end_date: today },
    })
      .then((answer) =>
        answer.groups
          .map((group) => ({
            service_name: String(group.group.service_name ?? ""),
            metric_type: String(group.group.metric_type ?? ""),
            metric_name: String(group.group.metric_name ?? ""),
            count: group.count,
          }))
          .sort((a, b) => a.service_name.localeCompare(b.service_name) || a.metric_name.localeCompare(b.metric_name)),
      )
      .catch((error) => {
        catalogue = null;
        throw error;
      });
  }
  return catalogue;
}

/** Options for a select, grouped by service. */
export function metricOptions(entries: MetricEntry[]): Array<{ group: string; options: Array<[string, string]> }> {
  const groups = new Map<string, Array<[string, string]>>();
  for (const entry of entries) {
    const list = groups.get(entry.service_name) ?? [];
    list.push([entry.metric_name, entry.metric_name.replace(/_/g, " ")]);
    groups.set(entry.service_name, list);
  }
  return [...groups].map(([group, options]) => ({ group: group.replace(/_/g, " "), options }));
}

/** The metric a view opens on: donations, the platform's headline figure, when they are recorded. */
export function defaultMetric(entries: MetricEntry[]): string {
  return entries.find((entry) => entry.metric_name === "donation_received")?.metric_name ?? entries[0].metric_name;
}
