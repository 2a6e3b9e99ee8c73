// Page state kept in the address bar's query (?page=3&year=2025): it survives a reload and a shared
// link. Values equal to their default stay out of the address; a query value that does not fit
// (a page "abc", "-2") is ignored and the default kept.
import { reactive, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'

type State = Record<string, string | number>

export function useQueryState<T extends State>(defaults: T): T {
  const route = useRoute()
  const router = useRouter()
  const state = reactive({ ...defaults }) as T
  for (const key of Object.keys(defaults) as (keyof T & string)[]) {
    const raw = route.query[key]
    if (typeof raw !== 'string' || raw === '') continue
    if (typeof defaults[key] === 'number') {
      const n = Number(raw)
      if (Number.isInteger(n) && n > 0) (state as State)[key] = n
    } else {
      (state as State)[key] = raw
    }
  }
  watch(state, () => {
    const query = { ...route.query }
    for (const key of Object.keys(defaults)) {
      const value = state[key] as string | number | null | undefined  // a cleared picker gives null
      if (value === defaults[key] || value === null || value === undefined || value === '') delete query[key]
      else query[key] = String(value)
    }
    void router.replace({ query })
  })
  return state
}
