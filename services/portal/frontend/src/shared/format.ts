// What both sites show the same way: Chinese error text, Shanghai local time, labels of codes.
import { ApiError } from './api'

export function messageOf(e: unknown): string {
  return e instanceof ApiError ? e.message : '操作未完成，请稍后重试'
}

const TZ = 'Asia/Shanghai'  // people see local time (the project's setting), whatever the phone says

export function when(iso?: string | null): string {
  if (!iso) return ''
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)  // the services store UTC
  return d.toLocaleString('zh-CN', { timeZone: TZ, month: 'numeric', day: 'numeric', hour: '2-digit',
                                       minute: '2-digit', hour12: false })
}

export const CLAIM_STATES: Record<string, string> = {
  claimed: '已认领，待服务', fulfilled: '已登记，待核验', verified: '已核验', released: '已撤回',
}
export const DEMAND_STATES: Record<string, string> = {
  pending: '待审核', open: '进行中', closed: '已办结', rejected: '未通过', cancelled: '已取消',
}
export const KINDS: Record<string, string> = { need: '需求', position: '服务岗位', wish: '微心愿', duty: '选派', project: '项目' }
export const REPORT_KINDS: Record<string, string> = { home: '居住地社区', work: '工作地社区' }
// Ledger entries name their rule as "<kind>:v<version>" (evaluation domain/points.py).
export const LEDGER_RULES: Record<string, string> = {
  verified_hours: '服务时长', joint_activity: '共建活动', rating: '群众评价', correction: '积分更正', activity: '共建活动',
}
export const SUGGESTION_STATES: Record<string, string> = {
  received: '已受理', triaged: '已分派', assigned: '办理中', resolved: '已办结',
}
export const SUGGESTION_MODES: Record<string, string> = { take_charge: '领办', on_behalf: '代办', home_visit: '上门' }
export const SUGGESTION_OUTCOMES: Record<string, string> = { resolved: '已解决', explained: '已解释答复', declined: '不予采纳' }
export const ROLES: Record<string, string> = {
  city_admin: '市级管理员', district_admin: '区级管理员', community_admin: '社区管理员', unit_admin: '单位管理员',
  member: '党员', resident: '居民',
}
