// Files the services make (.xlsx, .pdf, .csv) need the bearer token, so a plain link will not do:
// fetch them through the API client and hand the bytes to the browser as a download.
import { ApiError, authorizedFetch, chineseOnly } from '@/shared/api'

/** Download ``path`` (a portal API path) and save it as ``filename``; throws ApiError with Chinese text. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await authorizedFetch(path)
  if (!res.ok) {
    let detail = ''
    try { detail = ((await res.json()) as { detail?: string }).detail ?? '' } catch { /* not JSON */ }
    throw new ApiError(chineseOnly(detail) || '下载失败，请稍后重试', res.status)
  }
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
