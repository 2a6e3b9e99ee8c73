// Dates and times a person types into the console's pickers (DateField.vue), read strictly, and the
// form rule that refuses them in Chinese, naming the field and the reason. Element Plus alone drops
// typed text it cannot read, or that `disabled-date` refuses, when the field loses focus — without a
// word (issue 15: a typed past 完成期限 was published as "no deadline"). Values are what the services
// document: a day is the local date 'YYYY-MM-DD' (a deadline ends at that local day's end), a time of
// day 'HH:mm', a moment the local wall clock 'YYYY-MM-DDTHH:mm:ss' without offset ("不带时区按本地时间";
// the local zone is the deployment's, Asia/Shanghai).
import type { FormItemRule } from 'element-plus'
import { beforeToday, localToday, notAfterToday } from '@/shared/format'

export type DateKind = 'date' | 'datetime' | 'time' | 'daterange'
/** The earliest day a field takes, in local time: today, or tomorrow (a start that must lie ahead). */
export type Earliest = 'today' | 'tomorrow'

/** Each kind's value format for Element Plus (`value-format`) and the example its refusals give. */
export const FORMATS: Record<DateKind, { value: string; example: string }> = {
  date: { value: 'YYYY-MM-DD', example: '2026-12-31' },
  daterange: { value: 'YYYY-MM-DD', example: '2026-12-31' },
  datetime: { value: 'YYYY-MM-DDTHH:mm:ss', example: '2026-12-31 09:30' },
  time: { value: 'HH:mm', example: '09:30' },
}

const pad = (n: number) => String(n).padStart(2, '0')
// 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日, 20261231 (full-width digits folded first).
const DAY = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$/
// 9:30, 09:30, 9点30, 9时30分, 0930; seconds allowed (the services' own values carry them).
const TIME = /^(\d{1,2})\s*[:点时]\s*(\d{1,2})\s*分?(?::(\d{1,2}))?$|^(\d{2})(\d{2})$/

function day(text: string): string | null {
  const m = DAY.exec(text)
  if (!m) return null
  const [y, mo, d] = (m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]]).map(Number)
  const probe = new Date(Date.UTC(y, mo - 1, d))  // a calendar check only (no zone involved)
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null
  return `${y}-${pad(mo)}-${pad(d)}`
}

function clock(text: string, seconds = false): string | null {
  const m = TIME.exec(text)
  if (!m) return null
  const [h, mi, s] = (m[1] ? [m[1], m[2], m[3] ?? '0'] : [m[4], m[5], '0']).map(Number)
  if (h > 23 || mi > 59 || s > 59) return null
  return seconds ? `${pad(h)}:${pad(mi)}:${pad(s)}` : `${pad(h)}:${pad(mi)}`
}

/** Typed text (any width, spaces around) → the kind's value format, or null when it is no such
 * date/time: 2026-02-30 is null, not 2 March. A moment needs its day and its time of day. */
export function readTyped(kind: Exclude<DateKind, 'daterange'>, typed: string): string | null {
  const text = typed.normalize('NFKC').trim()
  if (kind === 'date') return day(text)
  if (kind === 'time') return clock(text)
  const m = /^(.+?)(?:\s+|T)(\d{1,2}\s*[:点时].*|\d{4})$/.exec(text)
  const [d, t] = m ? [day(m[1]), clock(m[2], true)] : [null, null]
  return d && t ? `${d}T${t}` : null
}

/** What is wrong with a field's value ('' when nothing): unreadable, or before the earliest day
 * (local time), or a range that ends before it starts. Empty is fine here: `required` says so. */
export function problemOf(kind: DateKind, label: string, value: unknown, earliest?: Earliest): string {
  if (kind === 'daterange') {
    const [start, end] = Array.isArray(value) ? value.map(String) : []
    if (!start && !end) return ''
    const wrong = [start, end].map((v) => problemOf('date', label, v ?? '', earliest)).find(Boolean)
    if (wrong) return wrong
    if (!start || !end) return `请填写${label}的开始和结束日期`
    return end < start ? `${label}的结束日期不能早于开始日期` : ''
  }
  const text = value == null ? '' : String(value)
  if (!text) return ''
  const read = readTyped(kind, text)
  if (!read) return `“${text}”不是有效的${label}，请按 ${FORMATS[kind].example} 的格式填写`
  const today = localToday()
  if (earliest === 'today' && read.slice(0, 10) < today) return `${label}不能早于今天`
  if (earliest === 'tomorrow' && read.slice(0, 10) <= today) return `${label}最早为明天`
  return ''
}

/** The form rule for a DateField: refuses what `problemOf` finds (and, if `required`, an empty
 * value: "请选择<label>"), on change and on blur. */
export function dateRule(kind: DateKind, label: string, opts: { earliest?: Earliest; required?: boolean } = {}): FormItemRule {
  return {
    trigger: ['change', 'blur'],
    validator: (_rule, value, done) => {
      const empty = value == null || value === '' || (Array.isArray(value) && !value.some(Boolean))
      if (empty) return done(opts.required ? new Error(`请选择${label}`) : undefined)
      const problem = problemOf(kind, label, value, opts.earliest)
      done(problem ? new Error(problem) : undefined)
    },
  }
}

/** For a picker's `disabled-date`: the calendar's days before the earliest one (local time). Only the
 * calendar: typed text is read by DateField and refused by `dateRule`, never dropped. */
export function disabledBefore(earliest?: Earliest): ((cell: Date) => boolean) | undefined {
  return earliest === 'today' ? beforeToday : earliest === 'tomorrow' ? notAfterToday : undefined
}
