// One Vite project, one entry per site (multi-page): `m` is the mobile H5 (Vant), `console`
// the staff console (Element Plus). Each entry is built on its own into
// gongjian_portal/static/<entry>/ with base /<entry>/, so the portal serves each folder as is.
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { VantResolver } from '@vant/auto-import-resolver'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'

export const ENTRIES = ['m', 'console'] as const
type Entry = (typeof ENTRIES)[number]

const here = fileURLToPath(new URL('.', import.meta.url))
const env = process.env

// Development only (`npm run dev`): the portal when it runs, else the services directly.
function devProxy() {
  const portal = env.PORTAL_URL ?? 'http://127.0.0.1:8000'
  const direct = (prefix: string, target: string) => ({
    target, changeOrigin: true, rewrite: (p: string) => p.slice(prefix.length),
  })
  return env.VITE_DIRECT_SERVICES
    ? {
        '/api/registry': direct('/api/registry', env.REGISTRY_URL ?? 'http://127.0.0.1:8001'),
        '/api/claims': direct('/api/claims', env.CLAIMS_URL ?? 'http://127.0.0.1:8002'),
        '/api/evaluation': direct('/api/evaluation', env.EVALUATION_URL ?? 'http://127.0.0.1:8003'),
        '/api': portal,
      }
    : { '/api': portal }
}

export default defineConfig(({ mode }) => {
  const entry: Entry = (ENTRIES as readonly string[]).includes(mode) ? (mode as Entry) : 'm'
  return {
    root: `${here}${entry}`,
    base: `/${entry}/`,
    publicDir: false,
    plugins: [vue(), Components({
      // Each site imports only the components it uses, with their styles, from its own library.
      resolvers: entry === 'console' ? [ElementPlusResolver({ importStyle: 'css' })] : [VantResolver()],
      dts: false, dirs: [],
    })],
    resolve: { alias: { '@': `${here}src` } },
    build: {
      outDir: `${here}../gongjian_portal/static/${entry}`,
      emptyOutDir: true,
      target: 'es2020',
      // A phone on a slow line: warn well before a chunk gets heavy.
      chunkSizeWarningLimit: 250,
      // No manual chunks: each route's chunk carries the Vant components only that page uses.
    },
    server: { host: '127.0.0.1', proxy: devProxy() },
  }
})
