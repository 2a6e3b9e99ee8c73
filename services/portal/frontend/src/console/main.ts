// The staff console: Element Plus components are imported on demand (vite.config.ts); the
// function-style ones (message, message box) are not seen by the resolver, so their styles come here.
import { createApp } from 'vue'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import App from './App.vue'
import { router } from './router'

createApp(App).use(router).mount('#app')
