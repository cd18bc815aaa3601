// The shapes of the API's answers that the console reads (see the OpenAPI document at /api/v1/docs).

import type { Interval } from "./format";

export interface Page<T> {
  items: T[];
  total: number;
  skip: number;
  limit: number;
}

export interface Layout {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type WidgetType = "number" | "line" | "bar" | "pie" | "area" | "heatmap" | "table" | "goal";
export type Aggregate = "sum" | "avg" | "count" | "min" | "max" | "p95";

export interface WidgetQuery {
  service_name?: string | null;
  metric_type?: string | null;
  metric_name?: string | null;
  agg?: Aggregate | null;
  interval?: Interval | null;
  group_by?: string[];
  compare?: string | null;
  limit?: number | null;
  goal_name?: string | null;
}

export interface WidgetConfig {
  id: string;
  title: string;
  type: WidgetType;
  query: WidgetQuery;
  layout: Layout;
}

export interface DashboardFilters {
  start_date?: string | null;
  end_date?: string | null;
  relative_range?: string | null;
  tz: string;
  dimensions: Record<string, string>;
}

export interface Dashboard {
  id: string;
  name: string;
  dashboard_type: string;
  description: string | null;
  config: { widgets: WidgetConfig[]; filters: DashboardFilters };
  is_default: boolean;
  is_public: boolean;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface NumberData {
  type: "number";
  agg: Aggregate;
  value: number | null;
  count: number;
  compare: string | null;
  previous: number | null;
  change: number | null;
  change_percent: number | null;
}

export interface SeriesChart {
  type: string;
  labels: string[];
  series: Array<{ name: string; data: Array<number | null>; total: number }>;
  stacked: boolean;
  total: number;
}

export interface CategoryChart {
  type: string;
  labels: string[];
  data: Array<number | null>;
  percentages: Array<number | null>;
  total: number;
}

export interface HeatmapChart {
  type: "heatmap";
  x_labels: string[];
  y_labels: string[];
  data: Array<Array<number | null>>;
  min: number | null;
  max: number | null;
}

export interface GroupStatistics {
  count: number;
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
  p95?: number | null;
  group: Record<string, string | null>;
  [figure: string]: unknown;
}

export interface TableData {
  type: "table";
  agg: Aggregate;
  group_by: string[];
  rows: GroupStatistics[];
  total_rows: number;
}

export interface GoalView {
  name: string;
  metric_type: string;
  target_value: number;
  current_value: number;
  unit: string | null;
  progress_percentage: number;
  status: string;
  start_date: string;
  end_date: string;
  elapsed_percentage: number;
  on_track: boolean | null;
}

export interface GoalData {
  type: "goal";
  goals: GoalView[];
}

export type WidgetContent = NumberData | SeriesChart | CategoryChart | HeatmapChart | TableData | GoalData;

export interface WidgetData {
  id: string;
  title: string;
  type: WidgetType;
  layout: Layout;
  start: string;
  end: string;
  data: WidgetContent | null;
  error: { status: number; detail: string } | null;
}

export interface DashboardData {
  id: string;
  name: string;
  dashboard_type: string;
  tz: string;
  start: string;
  end: string;
  generated_at: string;
  widgets: WidgetData[];
}

export interface Change {
  current: number;
  previous: number;
  change: number;
  change_percent: number | null;
}

export interface ExecutiveSummary {
  period: { start: string; end: string; tz: string };
  previous_period: { start: string; end: string; tz: string };
  donations: Change;
  donations_count: number;
  new_partners: number;
  active_partners: { value: number; as_of: string | null };
  active_projects: { value: number; as_of: string | null };
  projects_completed: number;
  beneficiaries_reached: number;
  social_engagements: number;
  social_engagement_rate_percent: number | null;
  notifications_sent: number;
  notification_delivery_rate_percent: number | null;
  active_goals: number;
  goals_at_risk: Array<{
    name: string;
    metric_type: string;
    target_value: number;
    current_value: number;
    unit: string | null;
    start_date: string;
    end_date: string;
    progress_percent: number;
    elapsed_percent: number;
  }>;
}

export interface TimeSeriesAnswer {
  start: string;
  end: string;
  tz: string;
  interval: Interval;
  agg: Aggregate;
  buckets: string[];
  series: Array<{ group: Record<string, string | null>; values: Array<number | null> }>;
}

export interface Metric {
  id: string;
  service_name: string;
  metric_type: string;
  metric_name: string;
  value: number;
  unit: string | null;
  dimensions: Record<string, string | number | boolean>;
}

export interface Report {
  id: string;
  name: string;
  report_type: string;
  format: string;
  status: "pending" | "generating" | "completed" | "failed";
  parameters: Record<string, unknown>;
  file_name: string | null;
  file_size: number | null;
  generated_at: string | null;
  error_message: string | null;
  scheduled: boolean;
  created_by: string | null;
  created_at: string;
  download_url: string | null;
}
