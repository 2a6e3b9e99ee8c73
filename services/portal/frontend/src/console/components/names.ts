// People's and units' names for ids, as the registry lets the signed-in official read them
// (POST /names: full names within their places, masked elsewhere); cached for the page's life.
// A raw id is never shown: the signed-in official is 本人 (as the HolderPicker offers them), another
// official the registry cannot name is 其他工作人员, anything else unknown is —.
import { reactive } from 'vue'
import { post } from '@/shared/api'
import { session } from '@/shared/session'

/** How the signed-in official is named where they are an assignee or owner (HolderPicker's own option). */
export const myself = (): string => `${session.me?.name ?? ''}（本人）`

export function useNames() {
  const names = reactive<Record<string, string>>({})

  async function learn(ids: (string | undefined | null)[]): Promise<void> {
    const missing = [...new Set(ids.filter((id): id is string => Boolean(id) && !(id! in names) && id !== session.me?.sub))]
    if (!missing.length) return
    try {
      const r = await post<{ names: Record<string, string> }>('/api/registry/names', { ids: missing })
      Object.assign(names, r.names)
    } catch { /* unknown ids are shown as — (never raw) */ }
  }

  /** The name of ``id`` (``kind``: unit | member | official, when the record says). */
  const nameOf = (id?: string | null, kind?: string): string => {
    if (!id) return '—'
    if (id === session.me?.sub) return myself()
    return names[id] ?? (kind === 'official' || id.startsWith('official-') || id.startsWith('staff-') ? '其他工作人员' : '—')
  }
  /** The name learned for ``id``, else what the record itself shows (the registry's mask). */
  const nameOr = (id: string, shown: string) => names[id] ?? shown
  return { names, learn, nameOf, nameOr }
}
