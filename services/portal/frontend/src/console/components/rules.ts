// Form rules the desks share: a button stays enabled and the form says, in Chinese and beside the
// field, what is missing (a greyed button never says why). ``valid`` runs the rules before a call.
import type { FormInstance } from 'element-plus'
import type { Ref } from 'vue'

/** A field that must be filled or chosen, with the words shown beside it when it is not. */
export const need = (message: string) => ({ required: true, message, trigger: ['change', 'blur'] })
/** Text that must hold more than spaces. */
export const written = (message: string) => [need(message), { whitespace: true, message, trigger: 'blur' }]
/** Whether the form's rules pass (the messages show beside the fields when not). */
export const valid = async (form: Ref<FormInstance | undefined>): Promise<boolean> =>
  Boolean(await form.value?.validate().catch(() => false))
