// Live events of a place, as the evaluation service streams them (GET /dashboard/stream, SSE,
// through the portal). EventSource cannot send headers, so the access token rides in the query
// (the stream accepts ?token=); on an error the browser reconnects with Last-Event-ID, and a
// fresh token is fetched first if ours has expired.
import { onBeforeUnmount, ref } from 'vue'
import { qs, streamToken } from '@/shared/api'

export interface LiveEvent { type: string; subject?: string; data?: Record<string, unknown> }

/** Follow events of ``types`` (e.g. "demand.*") at ``place``; ``live`` is true once the stream is up. */
export function useLiveEvents(onEvent: (e: LiveEvent) => void) {
  const live = ref(false)
  let source: EventSource | null = null

  async function follow(place: string, types: string): Promise<void> {
    stop()
    const token = await streamToken()
    if (!token) return
    source = new EventSource('/api/evaluation/dashboard/stream' + qs({ place, types, token }))
    source.addEventListener('live', () => { live.value = true })
    source.onmessage = (m) => {
      try { onEvent(JSON.parse(m.data) as LiveEvent) } catch { /* not an event */ }
    }
    source.onerror = () => {
      live.value = false
      if (source?.readyState === EventSource.CLOSED) setTimeout(() => void follow(place, types), 3000)
    }
  }

  function stop(): void {
    source?.close()
    source = null
    live.value = false
  }

  onBeforeUnmount(stop)
  return { live, follow, stop }
}
