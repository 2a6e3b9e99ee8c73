// Chinese labels of the claims service's board, supervision and inspection codes
// (claims domain/board.py, domain/suggestions.py, domain/inspections.py), and the place a desk opens on.
import { session } from '@/shared/session'

export const STAGES: Record<string, string> = {
  open: '未认领', claimed: '已认领', fulfilled: '待核验', verified: '已核验待销号', overdue: '已逾期', closed: '已办结',
}
export const STAGE_TAGS: Record<string, string> = {
  open: 'info', claimed: 'primary', fulfilled: 'warning', verified: 'success', overdue: 'danger', closed: 'info',
}
export const SORTS: Record<string, string> = {
  '-published_at': '最新发布', due_at: '期限最近', '-due_at': '期限最远', title: '按标题',
}
export const TOPICS = ['环境卫生', '物业管理', '治安安全', '交通出行', '养老服务', '文体活动', '设施维修', '政策咨询', '其他']
export const URGENCIES: Record<string, string> = { normal: '一般', urgent: '紧急' }
export const CHANNELS: Record<string, string> = { online: '网上', offline: '线下' }
export const OWNER_KINDS: Record<string, string> = { unit: '单位', member: '党员', official: '工作人员' }
export const TASK_STATES: Record<string, string> = { open: '办理中', done: '已销号' }
export const INSPECTION_TARGETS: Record<string, string> = { community: '社区党组织', unit: '驻区单位' }

/** The community or street a desk opens on: the first place on the official's token. */
export const myPlace = (): string => session.me?.places[0]?.id ?? ''
export const myPlaceKind = (): string => session.me?.places[0]?.kind ?? ''
