// Files the services make (.xlsx, .pdf, .csv) need the bearer token, so a plain link will not do:
// fetch them through the API client and hand the bytes to the browser as a download.
import { ElMessage } from 'element-plus'
import { ApiError, authorizedFetch, chineseOnly } from '@/shared/api'
import { messageOf } from '@/shared/format'

/** Download ``path`` (a portal API path) and save it as ``filename``; a refusal shows its Chinese detail. */
export async function download(path: string, filename: string): Promise<void> {
  try {
    await save(path, filename)
  } catch (e) {
    ElMessage.error(messageOf(e))
  }
}

async function save(path: string, filename: string): Promise<void> {
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
