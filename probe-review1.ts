import { loadEnv } from './src/config/env.js';
for (const e of [{ PORT: '' }, { KLAXON_DB: '' }, { HOST: '' }, { KLAXON_TICK_SECONDS: '' }, { PORT: ' 80 ' }, {PORT: '0x50'}]) {
  try { const r = loadEnv(e as any); console.log(JSON.stringify(e), '->', r.PORT, JSON.stringify(r.KLAXON_DB), JSON.stringify(r.HOST), r.KLAXON_TICK_SECONDS); } catch (x) { console.log(JSON.stringify(e), 'ERR', (x as Error).message); }
}
