// The side menu: which desks a role works at (community desks need a community admin;
// district and city admins see them for the places they oversee; a unit admin has the unit desk).
// The services refuse the same things (access rules); the menu only spares people a 403.
import type { Me } from '@/shared/api'

export interface MenuItem { path: string; title: string; roles: string[] }

export const STAFF = ['community_admin', 'district_admin', 'city_admin']
/** Who may write registry data and import sheets (registry entrypoints/access.py MANAGERS). */
export const MANAGERS = ['community_admin', 'city_admin']

export const MENU: MenuItem[] = [
  { path: '/demands', title: '需求清单', roles: [...STAFF, 'unit_admin'] },
  { path: '/board', title: '清单看板', roles: STAFF },
  { path: '/resources', title: '资源清单', roles: STAFF },
  { path: '/wishes', title: '微心愿审核', roles: STAFF },
  { path: '/suggestions', title: '意见建议', roles: STAFF },
  { path: '/supervision', title: '督办与联席会议', roles: STAFF },
  { path: '/inspections', title: '督查整改', roles: STAFF },
  { path: '/places', title: '地点与党组织', roles: STAFF },
  { path: '/members', title: '党员名册', roles: STAFF },
  { path: '/units', title: '驻区单位', roles: STAFF },
  { path: '/teams', title: '服务队与包保', roles: STAFF },
  { path: '/imports', title: '批量导入', roles: MANAGERS },
  { path: '/unit', title: '单位工作台', roles: ['unit_admin'] },
  { path: '/evaluation', title: '考评与报表', roles: STAFF },
  { path: '/campaigns', title: '双向评议', roles: [...STAFF, 'unit_admin'] },
  { path: '/home', title: '首页', roles: STAFF },
]

export const menuFor = (role: string | undefined): MenuItem[] => MENU.filter((m) => m.roles.includes(role ?? ''))

/** Whether the official works for a street (街道): roles are fixed by contract, so a street's staff are
 * community admins whose places are streets (a place check passes for every community under them). */
export const atStreet = (me: Me | null | undefined): boolean =>
  me?.role === 'community_admin' && Boolean(me.places.length) && me.places.every((p) => p.kind === 'street')

/** The desk an official opens on after signing in (and 返回首页): the unit's own desk for a unit admin,
 * the street's board of its communities' items for a street, the needs for a community, the year-end
 * scores and reports for a district's or city's organisation department. */
export function landing(me: Me | null | undefined): string {
  const desk = me?.role === 'unit_admin' ? '/unit' : atStreet(me) ? '/board'
    : me?.role === 'community_admin' ? '/demands' : ['district_admin', 'city_admin'].includes(me?.role ?? '') ? '/evaluation' : ''
  return desk && mayOpen(me?.role, desk) ? desk : menuFor(me?.role)[0]?.path ?? '/forbidden'
}
/** Whether ``path`` is the desk ``item`` or a page under it (/units is not under /unit). */
export const within = (path: string, item: MenuItem): boolean => path === item.path || path.startsWith(item.path + '/')
/** Whether the signed-in role may open a desk (the router refuses the others). */
export const mayOpen = (role: string | undefined, path: string): boolean =>
  !MENU.some((m) => within(path, m)) || menuFor(role).some((m) => within(path, m))
