// A page's state kept in the address (vue-router's route.query): the page number, the filters and
// the tab a desk shows survive a reload and can be sent as a link. A value equal to the page's own
// default is left out of the address, so a desk opened plainly has a plain address.
import { nextTick, reactive, toRefs, watch, type Ref } from 'vue'
import { useRoute, useRouter, type LocationQueryRaw, type Router } from 'vue-router'

type Value = string | number

// A change a person made on this desk (a click or a key on the page, then the state changing at once)
// adds a history entry, so Back returns to the page before it; a change the desk makes by itself (a
// default filled in after loading, or right after arriving from another desk) replaces the address.
let lastInput = { at: 0, path: '' }
const noteInput = () => { lastInput = { at: Date.now(), path: window.location.pathname } }
window.addEventListener('pointerdown', noteInput, true)
window.addEventListener('keydown', noteInput, true)
const byPerson = () => Date.now() - lastInput.at < 1500 && lastInput.path === window.location.pathname

// Several lists of one page change in the same tick (a filter sends its list back to page 1): their
// changes are written to the address together, once, on the next tick.
let pending: { path: string; changes: Record<string, string | undefined> } | null = null

function write(router: Router, changes: Record<string, string | undefined>): void {
  const path = router.currentRoute.value.path
  if (pending && pending.path === path) { Object.assign(pending.changes, changes); return }
  pending = { path, changes: { ...changes } }
  void nextTick(() => {
    const { path: at, changes: all } = pending!
    pending = null
    const here = router.currentRoute.value
    if (here.path !== at) return  // the desk was left meanwhile: its state is not the next desk's
    const query: LocationQueryRaw = { ...here.query }
    for (const [key, value] of Object.entries(all)) {
      if (value === undefined) delete query[key]
      else query[key] = value
    }
    const same = JSON.stringify(query) === JSON.stringify(here.query)
    if (!same) void (byPerson() ? router.push({ query }) : router.replace({ query }))
  })
}

/** Keep ``fields`` (query key → ref) in the address: read once now (a number field takes only a whole
 * number ≥ 1, anything else keeps its default; a text field may be emptied, e.g. a filter set to 全部),
 * written back on every change. Call in a component's setup, before the watches that reload on change. */
export function useQuery(fields: Record<string, Ref<Value>>): void {
  const route = useRoute()
  const router = useRouter()
  const defaults: Record<string, Value> = {}
  for (const [key, field] of Object.entries(fields)) defaults[key] = field.value
  // The value the address gives ``key`` (its default when the address has none or an unreadable one).
  const given = (key: string, query: typeof route.query): Value => {
    const raw = query[key]
    if (typeof raw !== 'string') return defaults[key]
    if (typeof defaults[key] !== 'number') return raw
    const n = Number(raw)
    return Number.isInteger(n) && n >= 1 ? n : defaults[key]
  }
  for (const [key, field] of Object.entries(fields)) field.value = given(key, route.query)
  // Back and Forward change the address of the same desk: its fields follow (only while it is this
  // desk's address: on the way to another desk the query is the next desk's, not this one's).
  const home = route.path
  watch(() => route.query, (query) => {
    if (route.path !== home) return
    for (const [key, field] of Object.entries(fields)) {
      const value = given(key, query)
      if (String(field.value ?? '') !== String(value)) field.value = value
    }
  })
  watch(() => Object.values(fields).map((f) => f.value), () => {
    write(router, Object.fromEntries(Object.entries(fields).map(([key, f]) => {
      const value = f.value ?? ''  // a cleared picker gives null: no choice, as ''
      return [key, value === defaults[key] ? undefined : String(value)]
    })))
  })
}

/** The same for a page's own state object: a reactive copy of ``defaults`` kept in the address. */
export function useQueryState<T extends Record<string, Value>>(defaults: T): T {
  const state = reactive({ ...defaults }) as T
  useQuery(toRefs(state) as unknown as Record<string, Ref<Value>>)
  return state
}
