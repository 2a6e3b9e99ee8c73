// The side menu: which desks a role works at (community desks need a community admin;
// district and city admins see them for the places they oversee).
export interface MenuItem { path: string; title: string; roles: string[] }

const STAFF = ['community_admin', 'district_admin', 'city_admin']

export const MENU: MenuItem[] = [
  { path: '/demands', title: '需求清单', roles: STAFF },
  { path: '/home', title: '首页', roles: STAFF },
]

export const menuFor = (role: string | undefined): MenuItem[] => MENU.filter((m) => m.roles.includes(role ?? ''))
