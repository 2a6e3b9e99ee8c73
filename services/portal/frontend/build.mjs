// `npm run build`: every entry of vite.config.ts, one after the other (see ENTRIES there).
import { build } from 'vite'

for (const entry of ['m', 'console']) {
  await build({ mode: entry, configFile: new URL('./vite.config.ts', import.meta.url).pathname, logLevel: 'warn' })
  console.log(`built ${entry} → gongjian_portal/static/${entry}/`)
}
