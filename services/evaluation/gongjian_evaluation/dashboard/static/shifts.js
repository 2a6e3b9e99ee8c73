// The 岗位服务 panel (issue 14.2), from overview.shifts: {months, month, figures, by_month, communities}.
// Counted in the shift's local month: shifts held, sign-ups, attended, 到岗率 (a fraction, shown as %)
// and hours; the glossary (指标说明) says what each counts. Tiles and tabs: timeliness.js.
"use strict";

window.GJ = window.GJ || {};

(function () {
  const $ = (id) => document.getElementById(id);
  const TILES = [
    ["shifts_held", "开展班次", "班"], ["shift_signups", "班次报名", "人次"], ["shift_attended", "到岗人次", "人次"],
    ["shift_attendance_rate", "到岗率", "%"], ["shift_hours", "岗位服务时长", "小时"],
  ];

  function communities(s) {
    const list = $("shift-communities");
    list.replaceChildren();
    if (!s.communities.length) list.appendChild(GJ.li([["本月暂无岗位班次报名"]], "empty"));
    s.communities.forEach((r) => {
      const f = r.figures;
      const rate = GJ.shownFigure("shift_attendance_rate", f.shift_attendance_rate);
      list.appendChild(GJ.li([[r.name],
        [`${f.shifts_held} 班 · 报名 ${f.shift_signups} · 到岗率 ${rate}% · ${f.shift_hours} 小时`, "score"]]));
    });
  }

  GJ.renderShifts = function (ov) {
    const s = ov.shifts || { months: [], month: null, figures: null, by_month: {}, communities: [] };
    $("shift-month").textContent = s.month ? GJ.monthName(s.month) : "";
    GJ.monthTabs("shift-months", s.months, s.month);
    GJ.figureTiles("shift-figures", "shift_", TILES, s.figures);
    communities(s);
  };
})();
