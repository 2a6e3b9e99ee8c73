// Evidence pieces (佐证材料) as the claims service lists them (GET /demands/{id}/evidence), uploads and downloads.
import { ApiError, authorizedFetch, chineseOnly, upload } from './api'

export interface Piece {
  id: string; filename: string; content_type: string; size: number; type_label?: string
  claim_id: string | null; purpose: 'fulfilment' | 'closing'
}

/** A file size as people read it. */
export const sizeText = (size: number): string =>
  size >= 1024 * 1024 ? `${(size / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(size / 1024)} KB`

/** Photos a browser shows (HEIC is kept, but offered as a download). */
export const DISPLAYABLE = ['image/jpeg', 'image/png', 'image/webp', 'image/gif']

/** Upload one file as the multipart field ``file`` (POST …/evidence); the piece as listed. */
export function uploadFile(path: string, file: Blob, filename: string): Promise<Piece> {
  const form = new FormData()
  form.append('file', file, filename)
  return upload<Piece>(path, form)
}

/** A protected file's bytes (an <img> cannot send the token): show them through URL.createObjectURL. */
export async function fetchBlob(path: string): Promise<Blob> {
  const res = await authorizedFetch(path)
  if (!res.ok) {
    let detail = ''
    try { detail = chineseOnly(String((await res.json()).detail ?? '')) } catch { /* not problem+json */ }
    throw new ApiError(detail || '文件无法打开，请稍后重试', res.status)
  }
  return res.blob()
}
