// Drawing one overview (from /dashboard/api/overview): key figures, charts, lists.
// Shares the page state (GJ.state) with dashboard.js, which fetches and listens.
"use strict";

window.GJ = window.GJ || {};

(function () {
  const LEVELS = ["city", "district", "street", "community"];
  const $ = (id) => document.getElementById(id);
  const state = () => GJ.state;

  // Times read in the deployment's zone (sent with the overview), not the browser's.
  function clock(time) {
    const zone = state() && state().overview && state().overview.timezone;
    return new Date(time).toLocaleTimeString("zh-CN", zone ? { hour12: false, timeZone: zone } : { hour12: false });
  }

  function describe(ev) {
    const where = state().nodes[ev.communityid] || state().nodes[ev.districtid];
    return GJ.describe(ev, where ? where.name : "", state().titles);
  }

  function figureValue(ov, fields) {
    for (const f of fields) {
      if (f.startsWith("activity:")) {
        const series = ov.activity.by_day[`demand.${f.slice(9)}`] || [];
        return series.reduce((a, b) => a + b, 0);
      }
      if (ov.stats && typeof ov.stats[f] === "number") {
        if (f === "reporting_rate") return Math.round(GJ.rate(ov.stats) * 1000) / 10;
        return Math.round(ov.stats[f] * 100) / 100;
      }
    }
    if (fields[0] === "reporting_rate" && GJ.rate(ov.stats) != null) return Math.round(GJ.rate(ov.stats) * 1000) / 10;
    return null;
  }

  function renderFigures(ov) {
    const box = $("figures");
    const seen = new Set();
    GJ.FIGURES.forEach(([fields, label, unit]) => {
      const value = figureValue(ov, fields);
      if (value == null) return;
      const key = fields[0].replace(/[^a-z_]/g, "_");
      seen.add(key);
      let el = box.querySelector(`[data-key="${key}"]`);
      if (!el) {
        el = document.createElement("div");
        el.className = "figure";
        el.dataset.key = key;
        el.innerHTML = `<div class="label">${label}</div><div class="value"><span></span><small>${unit}</small></div>`;
        box.appendChild(el);
      }
      const span = el.querySelector(".value span");
      if (span.textContent !== String(value)) {
        span.textContent = String(value);
        el.classList.add("flash");
        setTimeout(() => el.classList.remove("flash"), 800);
      }
      el.classList.toggle("warn", key === "demands_overdue" && value > 0);
    });
    box.querySelectorAll(".figure").forEach((el) => { if (!seen.has(el.dataset.key)) el.remove(); });
  }

  function li(parts, cls) {
    const item = document.createElement("li");
    if (cls) item.className = cls;
    parts.forEach(([text, c]) => {
      const span = document.createElement("span");
      if (c) span.className = c;
      span.textContent = text;
      item.appendChild(span);
    });
    return item;
  }

  function fillList(id, items, emptyText) {
    const list = $(id);
    list.innerHTML = "";
    if (!items.length) list.appendChild(li([[emptyText]], "empty"));
    items.forEach((parts) => list.appendChild(li(parts)));
  }

  function renderLists(ov) {
    $("overdue-count").textContent = ov.activity.overdue_count;
    ov.activity.overdue.forEach((o) => { if (o.title) state().titles[o.demand_id] = o.title; });
    fillList("overdue-list", ov.activity.overdue.map((o) => [[o.community, "w"], [`${o.title || o.demand_id}（${o.category}）`],
      [o.due_text ? `应于 ${o.due_text}` : "", "t"]]), "暂无逾期事项");
    renderLeaders(ov);
    fillList("alerts", state().alerts.slice(0, 30).map((ev) => [[clock(ev.time), "t"], [describe(ev)]]), "暂无预警");
  }

  function renderLeaders(ov) {
    const tabs = { hours: "社区服务时长", demands: "社区发布需求" };
    const box = $("leader-tabs");
    box.innerHTML = "";
    Object.entries(tabs).forEach(([key, label]) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.className = key === state().leaderTab ? "active" : "";
      b.onclick = () => { state().leaderTab = key; renderLeaders(state().overview); };
      box.appendChild(b);
    });
    $("board-period").textContent = `近 ${ov.activity.days.length} 天`;
    const rows = (ov.activity.leaders || {})[state().leaderTab] || [];
    fillList("leaderboard", rows.map((r) => [[r.name], [`${r.value}${state().leaderTab === "hours" ? " 小时" : " 项"}`, "score"]]),
      "暂无排行数据");
  }

  function showAbove(ov) {
    // Levels above an official's own places: shown for orientation, not selectable.
    ov.place.path.forEach((id, level) => {
      const select = $(`pick-${LEVELS[level]}`);
      if (select && select.disabled && !state().nodes[id]) {
        select.innerHTML = "";
        const opt = document.createElement("option");
        opt.textContent = ov.place.path_names[level];
        select.appendChild(opt);
      }
    });
  }

  function render(ov) {
    $("breadcrumb").textContent = ov.place.path_names.join(" › ");
    showAbove(ov);
    $("days-label").textContent = `近 ${ov.activity.days.length} 天，按日、按状态`;
    renderFigures(ov);
    GJ.drawReporting(ov);
    GJ.drawTree(ov);
    GJ.drawDemandDays(ov);
    GJ.drawCategories(ov);
    GJ.drawHours(ov);
    GJ.drawRatings(ov);
    renderLists(ov);
    GJ.renderTimeliness(ov);
    GJ.renderShifts(ov);
    $("updated-at").textContent = clock(Date.now());
  }


  Object.assign(GJ, { render, renderLeaders, li, clock, describeEvent: describe });
})();
