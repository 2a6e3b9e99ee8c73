// A list the service filters, sorts and pages: the page (number, size) here, the rows and the
// total from the service, the Chinese error if the call fails. ``fetchPage(limit, offset)``
// makes the call with the page's own filters. The page number and size live in the address
// (?page=&size=, or ?<key>_page= when a desk has several lists), so a reload keeps them.
import { reactive, ref, toRef, watch, type Ref } from 'vue'
import { messageOf } from '@/shared/format'
import { useQuery } from './query'

export function usePaged<T>(fetchPage: (limit: number, offset: number) => Promise<{ total: number; items: T[] }>,
  size = 20, key = '') {
  const page = reactive({ no: 1, size })
  const name = (k: string) => (key ? `${key}_${k}` : k)
  useQuery({ [name('page')]: toRef(page, 'no'), [name('size')]: toRef(page, 'size') })
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  const error = ref('')

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const r = await fetchPage(page.size, (page.no - 1) * page.size)
      rows.value = r.items
      total.value = r.total
    } catch (e) {
      error.value = messageOf(e)
    } finally {
      loading.value = false
    }
  }
  /** Filters changed: back to the first page. */
  function restart(): void {
    if (page.no === 1) void load()
    else page.no = 1  // the watch below loads
  }
  watch(page, load)
  return { page, rows, total, loading, error, load, restart }
}
