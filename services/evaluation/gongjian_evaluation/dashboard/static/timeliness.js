// The time-in-state panel and the monthly 红黑榜 (issue 14.8), from overview.timeliness:
// {months, month, figures, by_month, board}. Rates arrive as fractions and show as percentages;
// first-claim times in 小时, close times in 天 (medians; the glossary says what each counts).
"use strict";

window.GJ = window.GJ || {};

(function () {
  const $ = (id) => document.getElementById(id);
  const TILES = [
    ["items_received", "受理诉求", "项"], ["response_rate", "响应率", "%"], ["closure_rate", "办结率", "%"],
    ["satisfaction_rate", "满意率", "%"], ["resolved_rate", "解决率", "%"], ["first_claim_hours_median", "首次认领用时（中位数）", "小时"],
    ["close_days_median", "办结用时（中位数）", "天"], ["composite_score", "综合得分", "分"],
  ];
  const RATES = [["response_rate", "响应率"], ["closure_rate", "办结率"], ["satisfaction_rate", "满意率"],
    ["resolved_rate", "解决率"]];

  // Shared with the 岗位服务 panel (shifts.js): a rate as a percentage, tiles, month tabs.
  GJ.shownFigure = function (key, value) {
    if (value == null) return "—";
    if (key.endsWith("_rate")) return (Math.round(value * 1000) / 10).toFixed(1);
    return String(value);
  };

  GJ.figureTiles = function (boxId, prefix, specs, figures) {
    const box = $(boxId);
    box.replaceChildren();
    specs.forEach(([key, label, unit]) => {
      const el = document.createElement("div");
      el.className = "figure";
      el.dataset.key = `${prefix}${key}`;
      el.innerHTML = `<div class="label"></div><div class="value"><span></span><small></small></div>`;
      el.querySelector(".label").textContent = label;
      el.querySelector(".value span").textContent = GJ.shownFigure(key, (figures || {})[key]);
      el.querySelector(".value small").textContent = unit;
      box.appendChild(el);
    });
  };

  GJ.monthName = (m) => `${Number(m.slice(0, 4))}年${Number(m.slice(5))}月`;

  // One month for both monthly panels: a tab in either picks it for both.
  GJ.monthTabs = function (boxId, months, current) {
    const box = $(boxId);
    box.replaceChildren();
    months.forEach((m) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = GJ.monthName(m);
      b.dataset.month = m;
      b.className = m === current ? "active" : "";
      b.onclick = () => { GJ.state.tisMonth = m; GJ.refresh(); };
      box.appendChild(b);
    });
  };

  function trend(t) {
    const months = Object.keys(t.by_month).sort();
    const chart = GJ.charts["chart-tis"] || (GJ.charts["chart-tis"] = echarts.init($("chart-tis")));
    chart.setOption({
      textStyle: { color: "#dbe8ff" }, color: ["#38c8ff", "#27c281", "#f5a623", "#9b7bff"],
      legend: { top: 0, textStyle: { color: "#dbe8ff" } }, grid: { left: 44, right: 16, top: 28, bottom: 24 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "暂无" : `${v}%`) },
      xAxis: { type: "category", data: months, axisLabel: { color: "#a9c1e6" } },
      yAxis: { type: "value", max: 100, axisLabel: { color: "#a9c1e6", formatter: "{value}%" },
        splitLine: { lineStyle: { color: "rgba(59,106,165,0.25)" } } },
      series: RATES.map(([key, name]) => ({ name, type: "line", connectNulls: false, data: months.map((m) => {
        const v = t.by_month[m][key];
        return v == null ? null : Math.round(v * 1000) / 10;
      }) })),
    }, true);
  }

  function board(t) {
    $("board-month").textContent = t.month ? `${Number(t.month.slice(0, 4))}年${Number(t.month.slice(5))}月` : "";
    const line = (r) => [[r.name], [`${r.figures.composite_score} 分`, "score"]];
    const b = t.board;
    const none = b ? "本月暂无可排名社区" : "单个社区不排名";
    fill("red-list", b ? b.red.map(line) : [], none);
    fill("black-list", b ? b.black.map(line) : [], none);
  }

  function fill(id, rows, emptyText) {
    const list = $(id);
    list.replaceChildren();
    if (!rows.length) list.appendChild(GJ.li([[emptyText]], "empty"));
    rows.forEach((parts) => list.appendChild(GJ.li(parts)));
  }

  GJ.renderTimeliness = function (ov) {
    const t = ov.timeliness || { months: [], month: null, figures: null, by_month: {}, board: null };
    GJ.monthTabs("tis-months", t.months, t.month);
    GJ.figureTiles("tis-figures", "tis_", TILES, t.figures);
    trend(t);
    board(t);
  };
})();
