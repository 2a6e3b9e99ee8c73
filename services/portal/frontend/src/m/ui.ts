// Small helpers the mobile pages share: run an action with a toast, load a page's data.
// Times and labels are shared with the console (src/shared/format.ts).
import { ref } from 'vue'
import { showFailToast, showSuccessToast } from 'vant'
import { messageOf } from '@/shared/format'

export * from '@/shared/format'

/** A button's action: busy flag, the Chinese error as a toast, a success toast when given. */
export function useAction<A extends unknown[], T>(fn: (...args: A) => Promise<T>, done?: string) {
  const busy = ref(false)
  async function run(...args: A): Promise<T | undefined> {
    if (busy.value) return undefined
    busy.value = true
    try {
      const out = await fn(...args)
      if (done) showSuccessToast(done)
      return out
    } catch (e) {
      showFailToast({ message: messageOf(e), wordBreak: 'break-word' })
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}

/** Load data for a page: the error stays on the page as Chinese text. */
export function useLoad<T>(fn: () => Promise<T>) {
  const data = ref<T | null>(null)
  const error = ref('')
  const loading = ref(false)
  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try { data.value = await fn() } catch (e) { error.value = messageOf(e) } finally { loading.value = false }
  }
  void load()
  return { data, error, loading, load }
}
