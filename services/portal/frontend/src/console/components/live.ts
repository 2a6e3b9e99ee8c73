// Live events of a place, as the evaluation service streams them (GET /dashboard/stream, SSE,
// through the portal). EventSource cannot send headers, so the access token rides in the query
// (the stream accepts ?token=); on a dropped connection the browser reconnects by itself with
// Last-Event-ID. A stream answered with an error status (403: not the caller's place; or the
// service down) closes for good: the page says so (未连接) instead of "connecting" forever, and
// tries again later with a fresh token.
import { onBeforeUnmount, ref } from 'vue'
import { qs, refresh, streamToken } from '@/shared/api'

export interface LiveEvent { type: string; subject?: string; data?: Record<string, unknown> }
/** connecting: not up yet; live: events arrive; offline: the stream was refused or failed. */
export type LiveState = 'connecting' | 'live' | 'offline'
export const LIVE_LABELS: Record<LiveState, string> = { connecting: '连接中…', live: '实时更新中', offline: '未连接' }

const RETRY_MS = 15_000

/** Follow events of ``types`` (e.g. "demand.*") at ``place``; ``state`` says whether the stream is up. */
export function useLiveEvents(onEvent: (e: LiveEvent) => void) {
  const state = ref<LiveState>('connecting')
  let source: EventSource | null = null
  let retry: ReturnType<typeof setTimeout> | undefined

  async function follow(place: string, types: string): Promise<void> {
    stop()
    const token = await streamToken()
    if (!token) { state.value = 'offline'; return }
    source = new EventSource('/api/evaluation/dashboard/stream' + qs({ place, types, token }))
    source.addEventListener('live', () => { state.value = 'live' })
    source.onmessage = (m) => {
      try { onEvent(JSON.parse(m.data) as LiveEvent) } catch { /* not an event */ }
    }
    source.onerror = () => {
      if (source?.readyState !== EventSource.CLOSED) {  // dropped: the browser reconnects by itself
        if (state.value === 'live') state.value = 'connecting'
        return
      }
      state.value = 'offline'
      // Stays 未连接 until it is up; a fresh token first, in case ours had expired (401).
      retry = setTimeout(() => void refresh().then(() => follow(place, types)), RETRY_MS)
    }
  }

  function stop(): void {
    clearTimeout(retry)
    source?.close()
    source = null
  }

  onBeforeUnmount(stop)
  return { state, follow, stop }
}
