// Files the services make (.xlsx, .pdf, .csv) need the bearer token, so a plain link will not do:
// fetch them through the API client and hand the bytes to the browser as a download, under the
// name the service gives (Content-Disposition: the UTF-8 ``filename*`` first, then ``filename``).
import { ElMessage } from 'element-plus'
import { ApiError, authorizedFetch, chineseOnly } from '@/shared/api'
import { messageOf } from '@/shared/format'

/** Download ``path`` (a portal API path) and save it under the service's file name, else ``fallback``;
 * a refusal shows its Chinese detail. */
export async function download(path: string, fallback: string): Promise<void> {
  try {
    await save(path, fallback)
  } catch (e) {
    ElMessage.error(messageOf(e))
  }
}

/** The file name a Content-Disposition header gives (RFC 6266: ``filename*=UTF-8''…`` over ``filename=``), or ''. */
export function filenameOf(header: string | null): string {
  if (!header) return ''
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (extended) {
    try { return decodeURIComponent(extended[1].trim()) } catch { /* a malformed name: try the plain one */ }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  return (plain?.[2] ?? plain?.[1] ?? '').trim()
}

async function save(path: string, fallback: string): Promise<void> {
  const res = await authorizedFetch(path)
  if (!res.ok) {
    let detail = ''
    try { detail = ((await res.json()) as { detail?: string }).detail ?? '' } catch { /* not JSON */ }
    throw new ApiError(chineseOnly(detail) || '下载失败，请稍后重试', res.status)
  }
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filenameOf(res.headers.get('Content-Disposition')) || fallback
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
