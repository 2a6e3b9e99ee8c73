// People's and units' names for ids, as the registry lets the signed-in official read them
// (POST /names: full names within their places, masked elsewhere); cached for the page's life.
import { reactive } from 'vue'
import { post } from '@/shared/api'

export function useNames() {
  const names = reactive<Record<string, string>>({})

  async function learn(ids: (string | undefined | null)[]): Promise<void> {
    const missing = [...new Set(ids.filter((id): id is string => Boolean(id) && !(id! in names)))]
    if (!missing.length) return
    try {
      const r = await post<{ names: Record<string, string> }>('/api/registry/names', { ids: missing })
      Object.assign(names, r.names)
    } catch { /* ids stay shown as they are */ }
  }

  const nameOf = (id: string) => names[id] ?? id
  /** The name learned for ``id``, else what the record itself shows (the registry's mask). */
  const nameOr = (id: string, shown: string) => names[id] ?? shown
  return { names, learn, nameOf, nameOr }
}
