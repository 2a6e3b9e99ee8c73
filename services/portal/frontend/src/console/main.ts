// The staff console (Element Plus) is a later issue: this entry only proves the multi-page build.
import { createApp, h } from 'vue'

createApp({
  render: () => h('main', { style: 'font-family:sans-serif;padding:2rem' }, [
    h('h1', '共建 · 工作台'),
    h('p', '工作台正在建设中。党员和居民请使用手机端：'),
    h('a', { href: '/m/' }, '进入手机端'),
  ]),
}).mount('#app')
