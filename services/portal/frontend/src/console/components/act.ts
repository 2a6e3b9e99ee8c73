// One staff action: call the service, say it is done (Chinese), reload what the page shows;
// a refusal shows the service's Chinese detail and changes nothing on the page.
import { ElMessage } from 'element-plus'
import { messageOf } from '@/shared/format'

export async function act(call: () => Promise<unknown>, done: string, reload?: () => Promise<unknown>): Promise<boolean> {
  try {
    await call()
  } catch (e) {
    ElMessage.error(messageOf(e))
    return false
  }
  ElMessage.success(done)
  await reload?.()
  return true
}
