// Routes are code-split: a phone downloads only the page it opens.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { whenSignedOut } from '@/shared/api'
import { restore, session } from './session'

const HOME: Record<string, string> = { member: '/member', resident: '/resident' }

const routes: RouteRecordRaw[] = [
  // Decided after the guard below has restored the session (a redirect would be resolved before it).
  { path: '/', component: { render: () => null }, beforeEnter: () => HOME[session.me?.role ?? ''] ?? '/staff' },
  { path: '/staff', component: () => import('./pages/Staff.vue'), meta: { title: '工作人员' } },
  { path: '/login', component: () => import('./pages/SignIn.vue'), meta: { public: true, title: '登录' } },
  { path: '/register', component: () => import('./pages/Register.vue'), meta: { public: true, title: '居民注册' } },
  { path: '/member', component: () => import('./pages/member/Home.vue'), meta: { title: '党员之家', tab: 'member' } },
  { path: '/member/report', component: () => import('./pages/member/Report.vue'), meta: { title: '报到' } },
  { path: '/member/demands', component: () => import('./pages/member/Demands.vue'), meta: { title: '认领需求', tab: 'member' } },
  { path: '/member/claims', component: () => import('./pages/member/Claims.vue'), meta: { title: '我的认领', tab: 'member' } },
  { path: '/member/shifts/:demandId?', component: () => import('./pages/member/Shifts.vue'), meta: { title: '岗位班次', tab: 'member' } },
  { path: '/member/points', component: () => import('./pages/member/Points.vue'), meta: { title: '我的积分', tab: 'member' } },
  { path: '/checkin/:demandId', component: () => import('./pages/member/CheckIn.vue'), meta: { title: '扫码签到' } },
  { path: '/notifications', component: () => import('./pages/Notifications.vue'), meta: { title: '消息通知', tab: 'any' } },
  { path: '/resident', component: () => import('./pages/resident/Home.vue'), meta: { title: '居民服务', tab: 'resident' } },
  { path: '/resident/wishes/new', component: () => import('./pages/resident/WishNew.vue'), meta: { title: '提交微心愿' } },
  { path: '/resident/wishes/:id', component: () => import('./pages/resident/Wish.vue'), meta: { title: '心愿进度' } },
  { path: '/resident/suggestions/new', component: () => import('./pages/resident/SuggestionNew.vue'), meta: { title: '提意见建议' } },
  { path: '/resident/suggestions/:id', component: () => import('./pages/resident/Suggestion.vue'), meta: { title: '建议办理进度' } },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory('/m/'), routes })

router.beforeEach(async (to) => {
  await restore()
  if (!to.meta.public && !session.me) return { path: '/login', query: { next: to.fullPath } }
  // A resident has no member pages (积分, 认领): their own home, not a refusal meant for someone else's record.
  if (to.meta.tab === 'member' && session.me?.role === 'resident') return { path: '/resident' }
  return true
})
router.afterEach((to) => { document.title = `${(to.meta.title as string) ?? '共建'} · 共建` })

whenSignedOut(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) void router.replace({ path: '/login', query: { next: here.fullPath } })
})
