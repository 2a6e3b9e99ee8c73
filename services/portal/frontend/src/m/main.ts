import { createApp } from 'vue'
// Vant's function-style components are not seen by the resolver: their styles come in here.
import 'vant/es/toast/style'
import 'vant/es/dialog/style'
import App from './App.vue'
import { router } from './router'
import './theme.css'

createApp(App).use(router).mount('#app')
