// The one way the front ends talk to the portal: JSON in and out, the access token in memory
// only (never in storage), one refresh through the HttpOnly cookie on a 401, and every error
// turned into the Chinese `detail` of the service's problem+json (never a code or a stack).

export interface Place { id: string; name: string; kind?: string; street?: string | null }
export interface Me {
  sub: string; role: string; roles: string[]; places: Place[]; name?: string
  member_id?: string; resident_id?: string; unit_id?: string; timezone?: string
}
export interface Session { access_token: string; expires_in: number; me: Me }

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string, readonly body?: unknown) {
    super(message)
  }
}

let accessToken: string | null = null
let onSignedOut: () => void = () => {}

export function setAccessToken(token: string | null): void { accessToken = token }
export function hasAccessToken(): boolean { return accessToken !== null }
/** Called when the session cannot be renewed: the app sends the user to sign-in. */
export function whenSignedOut(handler: () => void): void { onSignedOut = handler }

const NETWORK_DOWN = '网络连接失败，请检查网络后重试'

function fallbackDetail(status: number): string {
  if (status === 401) return '登录已过期，请重新登录'
  if (status === 403) return '没有权限进行此操作'
  if (status === 404) return '内容不存在或已删除'
  if (status === 429) return '操作太频繁，请稍后再试'
  if (status >= 500) return '服务暂时不可用，请稍后再试'
  return '请求未能完成，请检查填写的内容'
}

/** Only Chinese reaches the page: a detail like "名额已满 (demand is full)" keeps its Chinese part. */
export function chineseOnly(detail: string): string {
  const cut = detail.replace(/\s*[（(][^（()）]*[A-Za-z][^（()）]*[)）]\s*$/, '').trim()
  return /[\u4e00-\u9fff]/.test(cut) ? cut : ''
}

function detailOf(status: number, body: unknown): { message: string; code?: string } {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>
    const code = typeof b.code === 'string' ? b.code : undefined
    if (Array.isArray(b.errors)) {  // validation: the first field's message, without its location
      const first = (b.errors as Array<Record<string, unknown>>)[0]
      const msg = typeof first?.msg === 'string' ? chineseOnly(first.msg.replace(/^Value error, /, '')) : ''
      return { message: msg || fallbackDetail(status), code }
    }
    if (typeof b.detail === 'string' && chineseOnly(b.detail)) return { message: chineseOnly(b.detail), code }
    return { message: fallbackDetail(status), code }
  }
  return { message: fallbackDetail(status) }
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`
  try {
    return await fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(NETWORK_DOWN, 0)
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text()
  let body: unknown = undefined
  try { body = text ? JSON.parse(text) : undefined } catch { body = undefined }
  if (!res.ok) {
    const { message, code } = detailOf(res.status, body)
    throw new ApiError(message, res.status, code, body)
  }
  return body as T
}

// What renewing found: a new session; ``ended`` (401: revoked, expired, the person gone; 204: none) —
// sign in again; or ``unavailable`` (5xx, 429, no network) — the session may well be alive, so the
// page says to retry instead of signing the person out over a moment's outage of the portal.
type Renewal = Session | 'ended' | 'unavailable'
const RENEW_FAILED = '登录暂时无法续期，请稍后重试'

// One renewal at a time, shared by every caller: requests refused together renew once.
let renewing: Promise<Renewal> | null = null

function renew(): Promise<Renewal> {
  renewing ??= (async (): Promise<Renewal> => {
    try {
      const res = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      if (res.status === 401 || res.status === 204) return 'ended'
      if (res.status !== 200) return 'unavailable'
      const session = (await res.json()) as Session
      accessToken = session.access_token
      return session
    } catch {
      return 'unavailable'
    } finally {
      renewing = null
    }
  })()
  return renewing
}

/** Renew the access token with the refresh cookie; null when the session is over or cannot be renewed now. */
export async function refresh(): Promise<Session | null> {
  const r = await renew()
  return typeof r === 'string' ? null : r
}

/** After a 401 to a request sent with ``sentWith``: true to send again with the renewed token; signs
 * out when the session has ended; ApiError (Chinese, 503) when it cannot be renewed now (the token is
 * kept for the next try). A request refused with a token another caller has renewed meanwhile just
 * goes again: a refusal that arrives late must not start a second renewal. */
async function renewedAfter401(sentWith: string | null): Promise<boolean> {
  if (accessToken !== null && accessToken !== sentWith) return true
  const r = await renew()
  if (r === 'unavailable') throw new ApiError(RENEW_FAILED, 503, 'renewal-unavailable')
  if (r === 'ended') {
    accessToken = null
    onSignedOut()
    return false
  }
  return true
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const sentWith = accessToken
  let res = await send(method, path, body)
  if (res.status === 401 && accessToken !== null && !path.startsWith('/api/auth/') && await renewedAfter401(sentWith)) {
    res = await send(method, path, body)
  }
  return parse<T>(res)
}

/** A request with the bearer token and one refresh on a 401; the response as it is (files, uploads). */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const go = async () => {
    const headers = new Headers(init.headers)
    if (accessToken) headers.set('Authorization', `Bearer ${accessToken}`)
    try {
      return await fetch(path, { ...init, headers, credentials: 'same-origin' })
    } catch {
      throw new ApiError(NETWORK_DOWN, 0)
    }
  }
  const sentWith = accessToken
  let res = await go()
  if (res.status === 401 && accessToken !== null && await renewedAfter401(sentWith)) res = await go()
  return res
}

/** multipart/form-data (a sheet to import); the answer parsed like api(). */
export async function upload<T = unknown>(path: string, form: FormData): Promise<T> {
  return parse<T>(await authorizedFetch(path, { method: 'POST', body: form, headers: { Accept: 'application/json' } }))
}

/** The current access token for an EventSource URL (it cannot send headers); renewed first if missing. */
export async function streamToken(): Promise<string | null> {
  return accessToken ?? (await refresh())?.access_token ?? null
}

export const get = <T = unknown>(path: string) => api<T>('GET', path)
/** One page of a list the service answers as a plain array, with the total of all pages in the
 * ``X-Total-Count`` header (registry /units, /teams): ``{total, items}`` like the paged lists. */
export async function getPage<T>(path: string): Promise<{ total: number; items: T[] }> {
  const res = await authorizedFetch(path, { headers: { Accept: 'application/json' } })
  const items = await parse<T[]>(res)
  return { total: Number(res.headers.get('X-Total-Count') ?? items.length), items }
}
export const post = <T = unknown>(path: string, body: unknown = {}) => api<T>('POST', path, body)
export const patch = <T = unknown>(path: string, body: unknown) => api<T>('PATCH', path, body)

/** Query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
  return pairs.length ? '?' + new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString() : ''
}
