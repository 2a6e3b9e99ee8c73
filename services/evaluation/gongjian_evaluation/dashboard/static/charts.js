// ECharts panels of the dashboard. Each function takes the overview (from
// /dashboard/api/overview) and (re)draws one chart; charts are created once and updated.
"use strict";

window.GJ = window.GJ || {};
GJ.charts = {};

const AXIS = { axisLine: { lineStyle: { color: "#3b6aa5" } }, axisLabel: { color: "#a9c1e6" },
  splitLine: { lineStyle: { color: "rgba(59,106,165,0.25)" } } };
const TEXT = { color: "#dbe8ff" };
const HEALTH_COLOR = { good: "#27c281", fair: "#f5a623", poor: "#f25757", unknown: "#6c7f99" };
const PALETTE = ["#38c8ff", "#27c281", "#f5a623", "#9b7bff", "#f25757", "#e8383d", "#4fd1c5"];

function chart(id) {
  if (!GJ.charts[id]) {
    GJ.charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
  }
  return GJ.charts[id];
}

function empty(id, text) {
  chart(id).setOption({ title: { text, left: "center", top: "middle", textStyle: { color: "#6c7f99", fontSize: 14 } },
    xAxis: [], yAxis: [], series: [] }, true);
}

GJ.rate = function (stats) {
  if (!stats) return null;
  if (typeof stats.reporting_rate === "number") return stats.reporting_rate > 1 ? stats.reporting_rate / 100 : stats.reporting_rate;
  const reg = stats.members_registered ?? stats.members_total;
  if (typeof stats.members_reported === "number" && reg) return Math.min(1, stats.members_reported / reg);
  return null;
};

GJ.drawReporting = function (ov) {
  const rows = (ov.communities.length ? ov.communities : ov.children).map((c) => [c.name, GJ.rate(c.stats), c.health]);
  if (!rows.length) return empty("chart-reporting", "暂无下辖社区");
  if (rows.every((r) => r[1] == null)) return empty("chart-reporting", "暂无报到统计（等待考评服务发布统计快照）");
  chart("chart-reporting").setOption({
    textStyle: TEXT, color: PALETTE, grid: { left: 50, right: 20, top: 20, bottom: 60 },
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "暂无" : v + "%") },
    xAxis: { type: "category", data: rows.map((r) => r[0]), ...AXIS, axisLabel: { color: "#a9c1e6", rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, ...AXIS, axisLabel: { color: "#a9c1e6", formatter: "{value}%" } },
    series: [{ type: "bar", name: "报到率", barMaxWidth: 36,
      data: rows.map((r) => ({ value: r[1] == null ? null : Math.round(r[1] * 1000) / 10,
        itemStyle: { color: HEALTH_COLOR[r[2].level] } })),
      label: { show: true, position: "top", color: "#dbe8ff", formatter: (p) => (p.value == null ? "" : p.value + "%") } }],
  }, true);
};

GJ.drawTree = function (ov) {
  const convert = (n) => ({
    name: n.name, value: n.health.label,
    itemStyle: { color: HEALTH_COLOR[n.health.level], borderColor: HEALTH_COLOR[n.health.level] },
    label: { color: n.health.level === "unknown" ? "#a9c1e6" : HEALTH_COLOR[n.health.level] },
    children: (n.children || []).map(convert),
  });
  chart("chart-tree").setOption({
    tooltip: { formatter: (p) => `${p.name}：${p.value}` },
    series: [{ type: "tree", data: [convert(ov.tree)], top: 10, bottom: 10, left: 70, right: 110, symbol: "circle", symbolSize: 12,
      initialTreeDepth: 3, expandAndCollapse: true, lineStyle: { color: "#3b6aa5" },
      label: { color: "#dbe8ff", position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
      leaves: { label: { position: "right", align: "left" } } }],
  }, true);
};

GJ.drawDemandDays = function (ov) {
  const a = ov.activity;
  chart("chart-demands-days").setOption({
    textStyle: TEXT, color: PALETTE, legend: { textStyle: TEXT, top: 0 },
    grid: { left: 40, right: 20, top: 30, bottom: 30 }, tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: a.days.map((d) => d.slice(5)), ...AXIS },
    yAxis: { type: "value", minInterval: 1, ...AXIS },
    series: GJ.DAY_SERIES.map(([key, name]) => ({ type: "bar", name, stack: key === "demand.published" ? "p" : "s",
      data: a.by_day[key] || [], barMaxWidth: 28 })),
  }, true);
};

GJ.drawCategories = function (ov) {
  const cats = Object.keys(ov.activity.categories);
  if (!cats.length) return empty("chart-categories", "近期暂无需求");
  chart("chart-categories").setOption({
    textStyle: TEXT, color: PALETTE, legend: { textStyle: TEXT, top: 0 },
    grid: { left: 80, right: 20, top: 30, bottom: 20 }, tooltip: { trigger: "axis" },
    yAxis: { type: "category", data: cats, ...AXIS }, xAxis: { type: "value", minInterval: 1, ...AXIS },
    series: Object.entries(GJ.STATUS).map(([status, name]) => ({ type: "bar", stack: "c", name,
      data: cats.map((c) => ov.activity.categories[c][status] || 0), barMaxWidth: 22 })),
  }, true);
};

GJ.drawHours = function (ov) {
  const a = ov.activity;
  chart("chart-hours").setOption({
    textStyle: TEXT, color: ["#27c281"], grid: { left: 40, right: 20, top: 20, bottom: 30 },
    tooltip: { trigger: "axis", valueFormatter: (v) => v + " 小时" },
    xAxis: { type: "category", data: a.days.map((d) => d.slice(5)), ...AXIS },
    yAxis: { type: "value", ...AXIS },
    series: [{ type: "line", name: "服务时长", smooth: true, areaStyle: { opacity: 0.25 }, data: a.hours_by_day }],
  }, true);
};

GJ.drawRatings = function (ov) {
  const r = ov.activity.ratings;
  document.getElementById("rating-average").textContent =
    ov.activity.rating_average == null ? "暂无评价" : `平均 ${ov.activity.rating_average} 分`;
  chart("chart-ratings").setOption({
    textStyle: TEXT, color: ["#f5a623"], grid: { left: 40, right: 20, top: 20, bottom: 30 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: ["1星", "2星", "3星", "4星", "5星"], ...AXIS },
    yAxis: { type: "value", minInterval: 1, ...AXIS },
    series: [{ type: "bar", name: "评价数", barMaxWidth: 30, data: ["1", "2", "3", "4", "5"].map((k) => r[k] || 0) }],
  }, true);
};

window.addEventListener("resize", () => Object.values(GJ.charts).forEach((c) => c.resize()));
