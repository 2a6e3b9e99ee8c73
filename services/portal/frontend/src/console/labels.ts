// Chinese labels of the registry's and evaluation's codes, as the services name them
// (registry domain/members.py, domain/units.py, domain/places.py; evaluation domain).
export const MEMBER_KINDS: Record<string, string> = {
  in_service: '在职党员', retired: '离退休党员', unemployed: '失业党员', mobile: '流动党员', new_economy: '两新组织党员',
}
export const MEMBER_STATUS: Record<string, string> = { active: '在册', inactive: '已停用' }
export const UNIT_KINDS: Record<string, string> = { organ: '机关', enterprise: '企事业单位', social_org: '社会组织', new_economy: '两新组织' }
export const PLACE_KINDS: Record<string, string> = {
  city: '市', district: '区（县）', street: '街道（乡镇）', community: '社区', grid: '网格', building: '楼栋',
}
export const RECEIPT_KINDS: Record<string, string> = { home: '居住地社区报到', work: '单位所在社区报到' }
export const ALERT_KINDS: Record<string, string> = { member_inactive: '党员长期未参与', unit_interview: '单位约谈提醒' }
export const ALERT_STATES: Record<string, string> = { open: '待处理', cleared: '已解除' }
export const REPORTED: Record<string, string> = { true: '已报到', false: '未报到' }
export const HOLDER_KINDS: Record<string, string> = { leader: '领导干部', unit: '驻区单位', member: '党员' }
export const TARGET_KINDS: Record<string, string> = { community: '社区', area: '片区', group: '居民小组', enterprise: '企业' }
/** A 包保 pairing as the registry lists it (GET /assignments). */
export interface Assignment { id: string; holder_kind: string; holder_id?: string | null; holder_name: string
  target_kind: string; target_name: string; note?: string; created_at?: string }
/** The resource list's kinds (claims service/resources.py RESOURCE_KINDS). */
export const RESOURCE_KINDS: Record<string, string> = { venue: '场地设施', skill: '专业技能', fund: '资金', goods: '物资' }
export const WEEKDAYS: Record<number, string> = { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' }
