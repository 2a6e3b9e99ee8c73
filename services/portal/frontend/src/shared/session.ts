// Who is signed in (mobile site and console): kept in memory only; a reload restores it through the refresh cookie.
import { reactive } from 'vue'
import { ApiError, post, refresh, setAccessToken, type Me, type Session } from '@/shared/api'
import { setZone } from '@/shared/format'

export const session = reactive<{ me: Me | null; restored: boolean }>({ me: null, restored: false })

export function start(s: Session): void {
  setAccessToken(s.access_token)
  session.me = s.me
  setZone(s.me.timezone)
}

export function end(): void {
  setAccessToken(null)
  session.me = null
}

/** On first navigation: a session from the cookie, if any. */
export async function restore(): Promise<void> {
  if (session.restored) return
  const s = await refresh()
  if (s) {
    session.me = s.me
    setZone(s.me.timezone)
  }
  session.restored = true
}

export async function signOut(): Promise<void> {
  try { await post('/api/auth/sign-out') } catch (e) { if (!(e instanceof ApiError)) throw e }
  end()
}

export const isMember = () => session.me?.role === 'member'
export const isResident = () => session.me?.role === 'resident'
/** The member or resident id the services know this person by (the token's subject). */
export const myId = () => session.me?.member_id ?? session.me?.resident_id ?? session.me?.sub ?? ''
export const myCommunity = () => session.me?.places.find((p) => p.kind === 'community') ?? session.me?.places[0]
