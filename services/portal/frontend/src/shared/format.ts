// What both sites show the same way: Chinese error text, Shanghai local time, labels of codes.
import { ApiError } from './api'

// Codes a service may leave in a message, read in Chinese (roles, fields).
const CODE_WORDS: Record<string, string> = {
  city_admin: '市级管理员', district_admin: '区级管理员', community_admin: '社区管理员', unit_admin: '单位管理员',
  member: '党员', resident: '居民', period_end: '结束日期', period_start: '开始日期', due_at: '截止时间',
  claim_deadline: '认领截止时间', community_id: '社区', capacity: '人数',
}

/** Numbers typed on a Chinese keyboard: full-width digits and points (２.５) folded (NFKC), then only a decimal
 * kept. Vant's own number/digit fields drop full-width characters before any formatter runs, so number fields
 * are text fields (with a numeric keyboard) formatted by these. */
export const decimalInput = (v: string): string => v.normalize('NFKC').replace(/[^0-9.]/g, '')
export const digitsInput = (v: string): string => v.normalize('NFKC').replace(/[^0-9]/g, '')

export function messageOf(e: unknown): string {
  if (!(e instanceof ApiError)) return '操作未完成，请稍后重试'
  return e.message.replace(/\b[a-z]+(?:_[a-z]+)+\b|\b(?:member|resident)\b/g, (w) => CODE_WORDS[w] ?? w)
}

// People see local time in the deployment's zone (GONGJIAN_TIMEZONE, sent with /api/me), whatever the phone says.
let TZ = 'Asia/Shanghai'
export function setZone(zone?: string | null): void { if (zone) TZ = zone }

function parsed(iso: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)  // the services store UTC
}

export function when(iso?: string | null): string {
  if (!iso) return ''
  return parsed(iso).toLocaleString('zh-CN', { timeZone: TZ, month: 'numeric', day: 'numeric', hour: '2-digit',
                                               minute: '2-digit', hour12: false })
}

/** A deadline: a date-only one ends at local midnight, shown as that day's 24:00 ("12月5日 24:00");
 * none at all is shown as — (an empty cell reads as a page not loaded). */
export function deadline(iso?: string | null): string {
  if (!iso) return '—'
  const d = parsed(iso)
  const parts = (x: Date) => Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: TZ, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(x).map((p) => [p.type, p.value]))
  const p = parts(d)
  if (p.hour === '00' && p.minute === '00') {
    const before = parts(new Date(d.getTime() - 60_000))
    return `${before.month}月${before.day}日 24:00`
  }
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`
}

/** Today's date (YYYY-MM-DD) in the deployment's zone: the day the services count from. */
export function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

/** For a date picker's ``disabled-date``: a calendar day before today (local time), which the services
 * refuse as a deadline. The picker's cell is a browser-local Date of that calendar day. */
export const beforeToday = (day: Date): boolean => dayOf(day) < localToday()
/** The same for a start time: a day that starts (local midnight) before now — today too. */
export const notAfterToday = (day: Date): boolean => dayOf(day) <= localToday()
const dayOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

export const CLAIM_STATES: Record<string, string> = {
  claimed: '已认领，待服务', fulfilled: '已登记，待核验', verified: '已核验', released: '已撤回',
}
/** Sent back (退回): claims stores the claim as "claimed" again with the community's reason (verify_reason;
 * claims service/fulfilment.py verify_claim); its old hours stay stored but no longer count. */
export const sentBack = (c: { status: string; verify_reason?: string | null }): boolean =>
  c.status === 'claimed' && !!c.verify_reason
/** A claim's state as both the member's phone and the staff console name it. */
export const claimState = (c: { status: string; verify_reason?: string | null }): string =>
  (sentBack(c) ? '被退回，待重新登记' : CLAIM_STATES[c.status] ?? c.status)
export const DEMAND_STATES: Record<string, string> = {
  pending: '待审核', open: '进行中', closed: '已办结', rejected: '未通过', cancelled: '已取消',
}
// A micro-wish as the resident and the staff who review it both name it (claims service/wishes.py).
export const WISH_STATES: Record<string, string> = {
  pending: '待审核', open: '已通过', rejected: '未通过', closed: '已办结', cancelled: '已取消',
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
export const ANSWERS: Record<string, string> = { resolved: '已解决', partly: '部分解决', not: '未解决' }
export const SUGGESTION_OUTCOMES: Record<string, string> = { resolved: '已解决', explained: '已解释答复', declined: '不予采纳' }
export const ROLES: Record<string, string> = {
  city_admin: '市级管理员', district_admin: '区级管理员', community_admin: '社区管理员', unit_admin: '单位管理员',
  member: '党员', resident: '居民',
}
