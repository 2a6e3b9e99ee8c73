// Chinese labels: key figures, demand statuses, and one line of text per event type.
// Only fields that events already carry are shown (names arrive masked: 张*珠).
"use strict";

window.GJ = window.GJ || {};

// Key figures in display order: [stats field(s), label, unit]. A figure whose field the
// snapshot lacks is not shown; "activity:" fields come from the recent-activity summary.
GJ.FIGURES = [
  [["members_registered", "members_total"], "登记党员", "人"],
  [["members_reported"], "报到党员", "人"],
  [["reporting_rate"], "报到率", "%"],
  [["units_reported_month", "units_reported_this_month", "units_reported"], "本月报到单位", "家"],
  [["demands_published"], "发布需求", "项"],
  [["demands_claimed"], "认领人次", "人次"],
  [["claims_revoked"], "收回认领", "人次"],
  [["claims_handed_over"], "转交认领", "人次"],
  [["claims_idle_released"], "超时释放", "人次"],
  [["demands_fulfilled"], "完成服务人次", "人次"],
  [["demands_overdue"], "逾期需求", "项"],
  [["wishes_fulfilled"], "微心愿实现", "个"],
  [["suggestions_received"], "收到建议", "条"],
  [["suggestions_resolved"], "办结建议", "条"],
  [["hours_served", "service_hours"], "服务时长", "小时"],
  [["participants"], "参与人次", "人次"],
  [["beneficiaries"], "受益人次", "人次"],
  [["inspections_recorded"], "督查次数", "次"],
  [["rectifications_open"], "在改事项", "项"],
  [["rating_average", "average_rating"], "群众满意度", "分"],
  [["activity:published"], "近期发布需求", "项"],
  [["activity:verified"], "近期核验服务", "次"],
];

GJ.STATUS = {
  open: "待认领", claimed: "已认领", fulfilled: "待核验", verified: "已核验", closed: "已办结",
};

GJ.DAY_SERIES = [
  ["demand.published", "发布"], ["demand.claimed", "认领"], ["demand.fulfilled", "完成"],
  ["demand.verified", "核验"], ["demand.overdue", "逾期"], ["demand.closed", "办结"],
];

GJ.KIND = { city: "市", district: "区", street: "街道", community: "社区" };
GJ.ALERT_KIND = { member_inactive: "党员连续6个月无活动", unit_interview: "单位连续两年评议一般及以下，需约谈" };
GJ.REPORT_KIND = { home: "居住地社区", work: "单位所在社区" };

GJ.describe = function (ev, placeName, titles) {
  const d = ev.data || {};
  const type = (ev.type || "").replace(/^gongjian\./, "");
  const title = d.title || titles[d.demand_id] || "";
  const q = title ? `「${title}」` : "";
  const who = d.claimant_kind === "unit" ? "单位" : "党员";
  const texts = {
    "place.created": () => `新增${GJ.KIND[d.kind] || "地点"}「${d.name || ""}」`,
    "place.updated": () => `地点信息更新「${d.name || ""}」`,
    "unit.registered": () => `共建单位登记${d.name ? "「" + d.name + "」" : ""}`,  // a unit's name is public
    "unit.reported": () => "驻区单位按月报到",
    "unit.agreement_signed": () => "签订共驻共建目标协议书",
    "unit.updated": () => "单位信息更新",
    "member.registered": () => `党员 ${d.name_masked || ""} 登记`,
    "member.reported": () => `党员到${GJ.REPORT_KIND[d.kind] || "社区"}报到`,
    "member.updated": () => "党员信息更新",
    "member.transferred": () => "党员组织关系转接",
    "member.deactivated": () => "党员停用",
    "demand.published": () => `发布需求${q}${d.category ? "（" + d.category + "）" : ""}`,
    "demand.claimed": () => `${who}认领需求${q}`,
    "demand.claim_released": () => ({ official: d.handed_over_to ? `认领已转交${q}` : `工作人员收回认领${q}`,
      idle: `认领超时未服务，已释放${q}`, withdrawal: `需求撤回，认领结束${q}` })[d.released_by] || `认领已释放${q}`,
    "wish.answered": () => `居民回访：${({ resolved: "已解决", partly: "部分解决", not: "未解决" })[d.answer] || ""}${d.reopened ? "，重新办理" : ""}`,
    "suggestion.answered": () => `建议回访：${({ resolved: "已解决", partly: "部分解决", not: "未解决" })[d.answer] || ""}${d.reopened ? "，重新办理" : ""}`,
    "demand.fulfilled": () => `完成服务${q} ${d.hours || 0} 小时`,
    "demand.verified": () => (d.approved ? `社区核验通过${q}，${d.hours || 0} 小时` : `社区退回${q}`),
    "demand.rated": () => `群众评价${q} ${"★".repeat(Math.max(0, Math.min(5, d.score || 0)))}`,
    "demand.overdue": () => `需求逾期${q}`,
    "demand.closed": () => `需求销号办结${q}`,
    "shift.signed_up": () => `党员报名岗位班次${q}（${d.day || ""}）`,
    "shift.signup_cancelled": () => `党员取消班次报名${q}`,
    "shift.checked_in": () => `党员${d.source === "manual" ? "由社区补录签到" : "扫码签到"}${q}`,
    "shift.checked_out": () => `党员${d.source === "manual" ? "由社区补录签退" : "扫码签退"}${q}`,
    "shift.hours_recorded": () => `班次工时 ${d.hours ?? 0} 小时${q}`,
    "wish.posted": () => "居民提交微心愿",
    "wish.approved": () => "社区审核通过微心愿",
    "wish.rejected": () => "微心愿未通过审核",
    "suggestion.received": () => "收到居民建议",
    "suggestion.assigned": () => "建议已分派办理",
    "suggestion.resolved": () => "建议办结",
    "points.awarded": () => `奉献积分 +${d.points ?? ""}`,
    "points.revoked": () => `积分更正 -${Math.abs(d.points ?? 0)}`,
    "review.submitted": () => "提交双向评议",
    "review.graded": () => `双向评议结果：${d.grade || ""}`,
    "alert.raised": () => `预警：${GJ.ALERT_KIND[d.kind] || d.kind || ""}`,
    "alert.cleared": () => `预警解除：${GJ.ALERT_KIND[d.kind] || d.kind || ""}`,
    "stats.snapshot": () => "统计数据更新",
  };
  const text = (texts[type] || (() => type))();
  return placeName ? `${placeName} · ${text}` : text;
};
