// A metric's unit and dimension keys, read from one stored metric of that name (the statistics answers carry
// neither). Asked once per metric name for the life of the page.

import { api } from "./api";
import type { Metric, Page, WidgetConfig } from "./types";

const samples = new Map<string, Promise<Metric | null>>();

export function sampleOf(metricName: string): Promise<Metric | null> {
  let sample = samples.get(metricName);
  if (!sample) {
    sample = api<Page<Metric>>("/metrics", { query: { metric_name: metricName, limit: 1 } })
      .then((page) => page.items[0] ?? null)
      .catch(() => {
        samples.delete(metricName); // asked again next time; meanwhile figures show without a unit
        return null;
      });
    samples.set(metricName, sample);
  }
  return sample;
}

export async function unitOf(metricName: string): Promise<string | null> {
  return (await sampleOf(metricName))?.unit ?? null;
}

/** The unit of every widget that shows a metric's own values (counts have none), by widget id. */
export async function widgetUnits(widgets: WidgetConfig[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  await Promise.all(
    widgets.map(async (widget) => {
      const name = widget.query.metric_name;
      const counted = widget.query.agg === "count";
      found.set(widget.id, name && !counted && widget.type !== "goal" ? await unitOf(name) : null);
    }),
  );
  return found;
}
