// Console routes under /console/: every desk is its own chunk; all but sign-in need staff.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { whenSignedOut } from '@/shared/api'
import { restore, session } from '@/shared/session'
import { landing, mayOpen } from './menu'

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./pages/SignIn.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/', component: () => import('./Layout.vue'),
    children: [
      { path: '', component: { render: () => null }, beforeEnter: () => landing(session.me) },
      { path: 'demands', component: () => import('./pages/Demands.vue'), meta: { title: '需求清单' } },
      { path: 'demands/:id', component: () => import('./pages/Demand.vue'), meta: { title: '需求详情' } },
      { path: 'board', component: () => import('./pages/board/Board.vue'), meta: { title: '清单看板' } },
      { path: 'resources', component: () => import('./pages/board/Resources.vue'), meta: { title: '资源清单' } },
      { path: 'wishes', component: () => import('./pages/board/Wishes.vue'), meta: { title: '微心愿审核' } },
      { path: 'suggestions', component: () => import('./pages/board/Suggestions.vue'), meta: { title: '意见建议' } },
      { path: 'supervision', component: () => import('./pages/board/Supervision.vue'), meta: { title: '督办与联席会议' } },
      { path: 'inspections', component: () => import('./pages/board/Inspections.vue'), meta: { title: '督查整改' } },
      { path: 'places', component: () => import('./pages/registry/Places.vue'), meta: { title: '地点与党组织' } },
      { path: 'members', component: () => import('./pages/registry/Members.vue'), meta: { title: '党员名册' } },
      { path: 'members/:id', component: () => import('./pages/registry/Member.vue'), meta: { title: '党员详情' } },
      { path: 'units', component: () => import('./pages/registry/Units.vue'), meta: { title: '驻区单位' } },
      { path: 'teams', component: () => import('./pages/registry/Teams.vue'), meta: { title: '服务队与包保' } },
      { path: 'imports', component: () => import('./pages/registry/Imports.vue'), meta: { title: '批量导入' } },
      { path: 'evaluation', component: () => import('./pages/evaluation/Evaluation.vue'), meta: { title: '考评与报表' } },
      { path: 'campaigns', component: () => import('./pages/evaluation/Campaigns.vue'), meta: { title: '双向评议' } },
      { path: 'unit', component: () => import('./pages/unit/UnitDesk.vue'), meta: { title: '单位工作台' } },
      { path: 'home', component: () => import('./pages/Home.vue'), meta: { title: '首页' } },
      { path: 'forbidden', component: () => import('./pages/Forbidden.vue'), meta: { title: '无权访问' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory('/console/'), routes })

router.beforeEach(async (to) => {
  await restore()
  if (!to.meta.public && !session.me) return { path: '/login', query: { next: to.fullPath } }
  if (!to.meta.public && !mayOpen(session.me?.role, to.path)) return { path: '/forbidden' }
  return true
})
router.afterEach((to) => { document.title = `${(to.meta.title as string) ?? '工作台'} · 共建工作台` })

whenSignedOut(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) void router.replace({ path: '/login', query: { next: here.fullPath } })
})
