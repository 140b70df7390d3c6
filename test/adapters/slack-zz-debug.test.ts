import { it } from 'vitest';
import { slackKlaxon } from '../fakes/slack/harness.js';
it('dbg', async () => {
  const k = await slackKlaxon();
  const r = await k.slash('declare sev1 API is down', { user: 'U01ALICE' });
  await k.answer(r.responseUrl);
  await k.tick();
  console.log(k.fake.calls.map(c => `${c.method} ${c.status} ${c.error ?? ''} ${JSON.stringify(c.args).slice(0, 150)}`).join('\n'));
  console.log(k.logLines.slice(0, 30).join('').slice(0, 4000));
  await k.close();
});
