// Form rules the desks share: a button stays enabled and the form says, in Chinese and beside the
// field, what is missing (a greyed button never says why). ``valid`` runs the rules before a call.
import type { FormInstance } from 'element-plus'
import { nextTick, type Ref } from 'vue'

/** A field that must be filled or chosen, with the words shown beside it when it is not. */
export const need = (message: string) => ({ required: true, message, trigger: ['change', 'blur'] })
/** Text that must hold more than spaces. */
export const written = (message: string) => [need(message), { whitespace: true, message, trigger: 'blur' }]
/** Whether the form's rules pass (the messages show beside the fields when not). */
export const valid = async (form: Ref<FormInstance | undefined>): Promise<boolean> =>
  Boolean(await form.value?.validate().catch(() => false))
/** For a dialog's `@open`: its form opens without last time's red errors. Resetting a form's model makes
 * Element's selects and radio groups validate it again ("请选择…" on an untouched form, seen when the dialog
 * opens next), so the errors are cleared after that has run (next tick), not before. */
export const opensClean = (form: Ref<FormInstance | undefined>) => (): Promise<void> =>
  nextTick(() => form.value?.clearValidate())
