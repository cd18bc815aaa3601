// ECharts, imported piece by piece (only the charts and components the console draws), rendering to canvas.
// Tooltips are built as DOM elements with text nodes, never as HTML strings, so no name from the data is
// ever read as markup.

import { BarChart, HeatmapChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

import { h } from "./dom";
import { formatBucket, formatValue, type FormatOptions, type Interval } from "./format";
import { SEQUENTIAL, SERIES_COLOURS } from "./palette";

echarts.use([
  LineChart,
  BarChart,
  PieChart,
  HeatmapChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  MarkLineComponent,
  AriaComponent,
  CanvasRenderer,
]);

export type Option = echarts.EChartsCoreOption;
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const SYMBOLS = ["circle", "rect", "triangle", "diamond", "roundRect", "pin", "arrow", "emptyCircle"];
const AXIS_TEXT = { color: "#4a5361", fontFamily: FONT, fontSize: 12 };

/** Draws `option` into `container` (again, in place, if a chart is already there); resized with its box,
 * disposed of when `signal` aborts. */
export function drawChart(container: HTMLElement, option: Option, signal: AbortSignal): echarts.ECharts {
  let chart = echarts.getInstanceByDom(container);
  if (!chart) {
    chart = echarts.init(container, null, { renderer: "canvas" });
    const resize = new ResizeObserver(() => chart?.resize());
    resize.observe(container);
    signal.addEventListener("abort", () => {
      resize.disconnect();
      chart?.dispose();
    });
  }
  chart.setOption({ ...base(), ...option }, { notMerge: true });
  return chart;
}

function base(): Option {
  return {
    animation: false,
    color: SERIES_COLOURS,
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
  };
}

interface TooltipRow {
  colour?: string;
  name: string;
  value: string;
}

/** A tooltip as elements: a title and rows of swatch, name and value, all text. */
export function tooltip(title: string, rows: TooltipRow[]): HTMLElement {
  return h(
    "div",
    { class: "chart-tip" },
    h("div", { class: "chart-tip-title" }, title),
    ...rows.map((row) => {
      const swatch = h("span", { class: "chart-tip-swatch", "aria-hidden": "true" });
      if (row.colour) swatch.style.background = row.colour;
      return h("div", { class: "chart-tip-row" }, swatch, h("span", { class: "chart-tip-name" }, row.name), h("b", null, row.value));
    }),
  );
}

interface AxisParam {
  axisValue?: string;
  seriesName?: string;
  value?: unknown;
  color?: unknown;
}

export interface SeriesInput {
  labels: string[];
  series: Array<{ name: string; data: Array<number | null> }>;
  stacked: boolean;
  area: boolean;
  unit: string | null;
  interval: Interval;
  integer?: boolean;
}

/** Line and area charts over time: one line per group, told apart by colour, marker and legend. */
export function seriesOption(input: SeriesInput): Option {
  const format: FormatOptions = { integer: input.integer };
  const many = input.series.length > 1;
  return {
    grid: { left: 8, right: 20, top: many ? 40 : 16, bottom: 8, containLabel: true },
    legend: many ? { type: "scroll", top: 0, textStyle: AXIS_TEXT } : undefined,
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params: AxisParam | AxisParam[]) => {
        const list = Array.isArray(params) ? params : [params];
        return tooltip(
          formatBucket(String(list[0]?.axisValue ?? ""), input.interval, true),
          list.map((item) => ({
            colour: typeof item.color === "string" ? item.color : undefined,
            name: item.seriesName ?? "",
            value: formatValue(item.value as number | null, input.unit, format),
          })),
        );
      },
    },
    xAxis: {
      type: "category",
      data: input.labels,
      boundaryGap: false,
      axisLabel: { ...AXIS_TEXT, hideOverlap: true, formatter: (value: string) => formatBucket(value, input.interval) },
    },
    yAxis: {
      type: "value",
      axisLabel: { ...AXIS_TEXT, formatter: (value: number) => formatValue(value, input.unit, { compact: true }) },
      splitLine: { lineStyle: { color: "#e3e6ea" } },
    },
    series: input.series.map((series, index) => ({
      name: series.name,
      type: "line",
      data: series.data,
      stack: input.stacked ? "total" : undefined,
      areaStyle: input.area ? { opacity: 0.75 } : undefined,
      symbol: SYMBOLS[index % SYMBOLS.length],
      symbolSize: 6,
      showSymbol: input.labels.length <= 32,
      lineStyle: { width: 2, type: index >= SERIES_COLOURS.length ? "dashed" : "solid" },
      emphasis: { focus: "series" },
    })),
  };
}

export interface CategoryInput {
  labels: string[];
  data: Array<number | null>;
  percentages: Array<number | null>;
  unit: string | null;
  integer?: boolean;
}

export function barOption(input: CategoryInput): Option {
  const format: FormatOptions = { integer: input.integer };
  return {
    grid: { left: 8, right: 20, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (item: { name: string; value: number | null; dataIndex: number }) =>
        tooltip(item.name, [
          { name: "Value", value: formatValue(item.value, input.unit, format) },
          { name: "Share", value: percentText(input.percentages[item.dataIndex]) },
        ]),
    },
    xAxis: {
      type: "category",
      data: input.labels,
      axisLabel: { ...AXIS_TEXT, interval: 0, hideOverlap: true, rotate: input.labels.length > 6 ? 30 : 0 },
    },
    yAxis: {
      type: "value",
      axisLabel: { ...AXIS_TEXT, formatter: (value: number) => formatValue(value, input.unit, { compact: true }) },
      splitLine: { lineStyle: { color: "#e3e6ea" } },
    },
    series: [{ type: "bar", data: input.data, itemStyle: { color: SERIES_COLOURS[0] }, barMaxWidth: 48 }],
  };
}

export function pieOption(input: CategoryInput): Option {
  const format: FormatOptions = { integer: input.integer };
  return {
    legend: { type: "scroll", orient: "horizontal", bottom: 0, textStyle: AXIS_TEXT },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (item: { name: string; value: number | null; dataIndex: number; color?: unknown }) =>
        tooltip(item.name, [
          { name: "Value", value: formatValue(item.value, input.unit, format) },
          { name: "Share", value: percentText(input.percentages[item.dataIndex]) },
        ]),
    },
    series: [
      {
        type: "pie",
        radius: ["38%", "68%"],
        center: ["50%", "45%"],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        // Names and shares on the slices themselves: colour is never the only way to tell them apart.
        label: {
          color: "#1b1f24",
          fontFamily: FONT,
          formatter: (item: { name: string; percent: number }) => `${plain(item.name)}: ${percentText(item.percent)}`,
        },
        data: input.labels.map((name, index) => ({ name, value: input.data[index] })),
      },
    ],
  };
}

export interface HeatmapInput {
  x: string[];
  y: string[];
  data: Array<Array<number | null>>;
  min: number | null;
  max: number | null;
  unit: string | null;
  integer?: boolean;
}

export function heatmapOption(input: HeatmapInput): Option {
  const cells: Array<[number, number, number]> = [];
  input.data.forEach((row, y) =>
    row.forEach((value, x) => {
      if (value !== null) cells.push([x, y, value]);
    }),
  );
  const format: FormatOptions = { integer: input.integer };
  return {
    grid: { left: 8, right: 12, top: 8, bottom: 44, containLabel: true },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (item: { value: [number, number, number] }) =>
        tooltip(`${input.y[item.value[1]]} ${input.x[item.value[0]]}`, [
          { name: "Value", value: formatValue(item.value[2], input.unit, format) },
        ]),
    },
    xAxis: { type: "category", data: input.x, splitArea: { show: true }, axisLabel: { ...AXIS_TEXT, hideOverlap: true } },
    yAxis: {
      type: "category",
      data: input.y.map((day) => day.slice(0, 3)),
      inverse: true,
      splitArea: { show: true },
      axisLabel: AXIS_TEXT,
    },
    visualMap: {
      min: input.min ?? 0,
      max: input.max ?? 1,
      calculable: false,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemHeight: 120,
      inRange: { color: SEQUENTIAL },
      textStyle: AXIS_TEXT,
      // The ends of the scale, in words: more is darker.
      text: [formatValue(input.max, input.unit, { compact: true }), formatValue(input.min, input.unit, { compact: true })],
    },
    series: [{ type: "heatmap", data: cells, emphasis: { itemStyle: { borderColor: "#000", borderWidth: 1 } } }],
  };
}

function percentText(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? "no data" : `${percent.toFixed(1)} %`;
}

/** Names drawn by ECharts' rich text read `{style|text}` as markup of its own: braces are shown as such. */
export function plain(name: string): string {
  return name.replace(/[{}|]/g, (c) => ({ "{": "﹛", "}": "﹜", "|": "¦" })[c] ?? c);
}
