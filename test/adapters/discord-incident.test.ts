// Incidents on Discord, end to end through the real discord.js client and the fake Discord:
// /incident declare opens a thread and pages by DM with an Acknowledge button; a ✅ reaction or
// the button acknowledges; 📌 copies a message onto the timeline; status and severity rename the
// thread; refusals are ephemeral and name the group that is needed.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../src/config/policy/index.js';
import { getIncident } from '../../src/service/incident-view.js';
import { incidents, pageNotifications, timelineEvents } from '../../src/store/schema.js';
import { answerText } from '../fakes/discord/index.js';
import { COMMUNITY, discordKlaxon, type DiscordKlaxon, MAINTAINER_ROLE, SUPPORT_POLICY } from '../fakes/discord/harness.js';

const GUILD = '500000000000000001';
const INCIDENTS = '500000000000000002';
const ANNOUNCEMENTS = '500000000000000003';
const STR = 3;
const INT = 4;
const USER = 6;
const EPHEMERAL = 64;

let k: DiscordKlaxon;
afterEach(async () => {
  await k?.close();
});

const discordIdOf = (person: string) => k.policy.people[person].discord!;

/** Runs a command as a user and waits for Klaxon's (ephemeral) answer. */
async function run(user: string, channel: string, sub: string, options: { name: string; type: number; value: unknown }[] = []) {
  const i = k.fake.command(user, channel, sub, options);
  await k.fake.waitFor(() => answerText(i), 3000, `the answer to /incident ${sub}`);
  return i;
}

/** The one person tier 1 paged for page `pageId`. */
function pagedPerson(pageId: number): string {
  return k.db.select().from(pageNotifications).where(eq(pageNotifications.pageId, pageId)).all()[0].person;
}

describe('incidents on Discord', () => {
  beforeEach(async () => {
    k = await discordKlaxon();
  });

  it('declare → thread, announcement and a DM page → ✅ on the DM acknowledges', async () => {
    const maya = discordIdOf('maya');
    const i = await run(maya, INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Consent banner broken' }, { name: 'severity', type: STR, value: 'sev1' }]);
    expect(i.responses[0]).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(answerText(i)).toMatch(/Declared #1 \(sev1\)/);
    await k.tick();

    // The thread, named with severity and status, in the incidents channel.
    const [thread] = k.fake.threads();
    expect(thread).toMatchObject({ parent_id: INCIDENTS, type: 11, name: 'inc-1-consent-banner-broken · Sev 1 · investigating' });
    const inThread = k.fake.botMessages(thread.id);
    expect(inThread[0].content).toMatch(/INCIDENT: Sev 1 - Consent banner broken/);
    expect(k.fake.botMessages(ANNOUNCEMENTS)[0].content).toMatch(/Sev 1 declared: #1/);
    expect(k.fake.threadMembers.get(thread.id)?.has(maya)).toBe(true);

    // The page: a DM with an Acknowledge button, and a mention with the same button in the thread.
    const [page] = k.pages();
    const paged = discordIdOf(pagedPerson(page.id));
    const dm = k.fake.dmChannelOf(paged)!;
    const [dmPage] = k.fake.botMessages(dm);
    expect(dmPage.content).toContain(`<@${paged}>`);
    expect(dmPage.components).toEqual([{ type: 1, components: [{ type: 2, style: 3, label: 'Acknowledge', custom_id: `klaxon:ack:${page.id}` }] }]);
    const threadPage = inThread.find((m) => m.content.includes(`<@${paged}>`))!;
    expect(threadPage.components).toHaveLength(1);
    expect(threadPage.allowed_mentions).toEqual({ parse: ['users'] });

    k.fake.react(dm, dmPage.id, paged, '✅');
    await k.fake.waitFor(() => k.pages()[0].status === 'acknowledged', 3000, 'the acknowledgement');
    expect(k.pages()[0].acknowledgedBy).toBe(pagedPerson(page.id));
    expect(getIncident(k.db, 1)?.acknowledgedAt?.toISOString()).toBe('2026-03-04T11:00:00.000Z');
    await k.tick();
    // Every copy of the page loses its button and says who acknowledged.
    expect(k.fake.messages.get(dmPage.id)).toMatchObject({ components: [], content: expect.stringMatching(/Acknowledged by/) });
    expect(k.fake.messages.get(threadPage.id)?.components).toEqual([]);
    expect(k.fake.botMessages(thread.id).some((m) => /acknowledged the page/.test(m.content))).toBe(true);

    // A reaction has no ephemeral answer: a refused ✅ (the page is already acknowledged) is told by DM.
    const other = paged === maya ? discordIdOf('noah') : maya;
    k.fake.react(thread.id, threadPage.id, other, '✅');
    await k.fake.waitFor(() => k.fake.dmChannelOf(other) && k.fake.botMessages(k.fake.dmChannelOf(other)).length > 0, 3000, 'the refusal DM');
    expect(k.fake.botMessages(k.fake.dmChannelOf(other))[0].content).toMatch(/already acknowledged by/);
  });

  it('the Acknowledge button acknowledges; pressing it again says it already was', async () => {
    await run(discordIdOf('maya'), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Checkout down' }, { name: 'severity', type: STR, value: 'sev2' }]);
    await k.tick();
    const [page] = k.pages();
    const paged = discordIdOf(pagedPerson(page.id));
    const [dmPage] = k.fake.botMessages(k.fake.dmChannelOf(paged));
    const first = k.fake.click(paged, dmPage, `klaxon:ack:${page.id}`);
    await k.fake.waitFor(() => answerText(first), 3000, 'the button answer');
    expect(answerText(first)).toBe('Acknowledged the page for #1.');
    expect(first.responses[0].data.flags).toBe(EPHEMERAL);
    const again = k.fake.click(paged, dmPage, `klaxon:ack:${page.id}`);
    await k.fake.waitFor(() => answerText(again), 3000, 'the second answer');
    expect(answerText(again)).toMatch(/already acknowledged by/);
  });

  it('an unacknowledged page moves to the next tier when its timeout passes on the clock', async () => {
    await run(discordIdOf('maya'), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'CDN outage' }, { name: 'severity', type: STR, value: 'sev1' }]);
    await k.tick();
    const [page] = k.pages();
    const dmsBefore = k.fake.botMessages().filter((m) => k.fake.channels.get(m.channel_id)?.type === 1).length;
    k.clock.advance(15 * 60_000);
    await k.tick();
    const tier2 = k.db.select().from(pageNotifications).where(eq(pageNotifications.pageId, page.id)).all().filter((n) => n.tier === 1);
    expect(tier2).toHaveLength(1);
    const dm = k.fake.dmChannelOf(discordIdOf(tier2[0].person))!;
    expect(k.fake.botMessages(dm).at(-1)?.content).toMatch(/tier 2/);
    expect(k.fake.botMessages().filter((m) => k.fake.channels.get(m.channel_id)?.type === 1).length).toBe(dmsBefore + 1);
  });

  it('severity and status changes rename the thread; a 📌 reaction copies a message to the timeline', async () => {
    const maya = discordIdOf('maya');
    await run(maya, INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Script injected twice' }, { name: 'severity', type: STR, value: 'sev3' }]);
    await k.tick();
    const [thread] = k.fake.threads();
    // Inside the thread the incident number can be left out.
    const sev = await run(maya, thread.id, 'severity', [{ name: 'severity', type: STR, value: 'sev2' }]);
    expect(answerText(sev)).toBe('#1 is now sev2.');
    await k.tick();
    expect(k.fake.channels.get(thread.id)?.name).toBe('inc-1-script-injected-twice · Sev 2 · investigating');
    await run(maya, thread.id, 'update', [{ name: 'text', type: STR, value: 'Rolled back 2.3.1' }, { name: 'status', type: STR, value: 'monitoring' }]);
    await k.tick();
    expect(k.fake.channels.get(thread.id)?.name).toBe('inc-1-script-injected-twice · Sev 2 · monitoring');
    // A role change touches the topic text only (commander): no rename request is spent on it.
    const renames = () => k.fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${thread.id}`).length;
    const before = renames();
    const role = await run(maya, thread.id, 'role', [{ name: 'role', type: STR, value: 'commander' }, { name: 'user', type: USER, value: discordIdOf('noah') }]);
    expect(answerText(role)).toBe('Noah (core) is commander for #1.');
    await k.tick();
    expect(renames()).toBe(before);

    const note = k.fake.say(thread.id, { id: discordIdOf('noah'), username: 'noah' }, 'GTM snippet loads twice when consent flips');
    k.fake.react(thread.id, note.id, maya, '📌');
    await k.fake.waitFor(() => k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'pinned')).get(), 3000, 'the pin');
    const pinned = k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'pinned')).get()!;
    expect(pinned.text).toContain('GTM snippet loads twice when consent flips');
    expect(pinned.text).toContain(`https://discord.com/channels/${GUILD}/${thread.id}/${note.id}`);
    // A pushpin outside an incident thread means nothing.
    const elsewhere = k.fake.say(ANNOUNCEMENTS, COMMUNITY.dana, 'hello');
    k.fake.react(ANNOUNCEMENTS, elsewhere.id, maya, '📌');
    await k.processed('reaction', elsewhere.id);
    expect(k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'pinned')).all()).toHaveLength(1);
  });

  it('refuses commands ephemerally, naming the group that is needed; bad input gets the right form', async () => {
    await run(discordIdOf('maya'), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Docs site down' }]);
    const refused = await run(COMMUNITY.dana.id, INCIDENTS, 'resolve', [{ name: 'summary', type: STR, value: 'fixed' }, { name: 'incident', type: INT, value: 1 }]);
    expect(refused.responses[0].data.flags).toBe(EPHEMERAL);
    expect(answerText(refused)).toMatch(/not allowed to resolve.*"maintainers"/);
    expect(k.db.select().from(incidents).get()?.status).toBe('investigating');

    const page = await run(discordIdOf('maya'), INCIDENTS, 'page', [{ name: 'incident', type: INT, value: 1 }]);
    expect(answerText(page)).toMatch(/Choose exactly one of user, schedule or policy[\s\S]*Usage: \/incident page/);
    const over = await run(discordIdOf('maya'), INCIDENTS, 'override', [
      { name: 'schedule', type: STR, value: 'primary' }, { name: 'user', type: USER, value: discordIdOf('noah') }, { name: 'duration', type: STR, value: 'a while' },
    ]);
    expect(answerText(over)).toMatch(/"a while" is not a duration/);
    const unknown = await run(discordIdOf('maya'), INCIDENTS, 'status', [{ name: 'incident', type: INT, value: 42 }]);
    expect(answerText(unknown)).toBe('There is no incident #42.');
  });

  it('answers an interaction that arrives late by deferring first, and splits long answers', async () => {
    const maya = discordIdOf('maya');
    const late = k.fake.command(maya, INCIDENTS, 'help', [], { createdAt: Date.now() - 2500 });
    await k.fake.waitFor(() => late.original?.content, 3000, 'the edited deferral');
    expect(late.responses[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(late.original?.content).toContain('declare [sev] <title>');
    const long = 'x'.repeat(170);
    for (let n = 0; n < 12; n++) k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, `/incident declare sev4 Incident ${n} ${long}`);
    const list = await run(maya, INCIDENTS, 'list');
    await k.fake.waitFor(() => list.followUps.length > 0, 3000, 'the follow-up');
    expect(answerText(list)!.length).toBeLessThanOrEqual(2000);
    expect(list.followUps.every((m) => m.content.length <= 2000)).toBe(true);
  });
});

describe('permissions by Discord role', () => {
  it('a member holding a role named in a policy group may do what the group may', async () => {
    const yaml = readFileSync(SUPPORT_POLICY, 'utf8').replace(
      'maintainers: [maya, noah, olivia, priya, sam, uma, erin]',
      `maintainers: [maya, "discord-role:${MAINTAINER_ROLE}"]`,
    );
    k = await discordKlaxon({ policy: parsePolicy(yaml) });
    k.fake.members.set('900000000000000042', { user: { id: '900000000000000042', username: 'helper' }, roles: [MAINTAINER_ROLE] });
    await run(COMMUNITY.dana.id, INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Demo broken' }]);
    const denied = await run(COMMUNITY.dana.id, INCIDENTS, 'resolve', [{ name: 'summary', type: STR, value: 'done' }]);
    expect(answerText(denied)).toMatch(/not allowed/);
    const allowed = await run('900000000000000042', INCIDENTS, 'resolve', [{ name: 'summary', type: STR, value: 'Redeployed the demo' }]);
    expect(answerText(allowed)).toBe('Resolved #1.');
  });

  it('a role-holder may acknowledge from a DM, where Discord sends no member: the roles are looked up', async () => {
    const yaml = readFileSync(SUPPORT_POLICY, 'utf8')
      .replace('maintainers: [maya, noah, olivia, priya, sam, uma, erin]', `maintainers: ["discord-role:${MAINTAINER_ROLE}"]`)
      .replace('  declare: anyone', '  declare: anyone\n  ack: [maintainers]');
    k = await discordKlaxon({ policy: parsePolicy(yaml) });
    await run(discordIdOf('maya'), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Consent lost' }, { name: 'severity', type: STR, value: 'sev1' }]);
    await k.tick();
    const [page] = k.pages();
    const paged = discordIdOf(pagedPerson(page.id));
    const [dmPage] = k.fake.botMessages(k.fake.dmChannelOf(paged));
    const press = k.fake.click(paged, dmPage, `klaxon:ack:${page.id}`);
    await k.fake.waitFor(() => press.original?.content, 3000, 'the edited answer');
    expect(press.responses[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(press.original?.content).toBe('Acknowledged the page for #1.');
    expect(k.fake.requests.some((r) => r.path === `/guilds/${GUILD}/members/${paged}`)).toBe(true);
  });
});

describe('command buttons on Discord: checklist Tick, action Confirm', () => {
  const withAction = () =>
    parsePolicy(`${readFileSync(SUPPORT_POLICY, 'utf8')}\nactions:\n  docs-banner:\n    description: show the outage banner on the docs site\n    url: http://127.0.0.1:9/banner\n    timeout: 2s\n`);
  beforeEach(async () => {
    k = await discordKlaxon({ policy: withAction() });
  });
  type Row = { components: { custom_id: string; label: string; style: number }[] };
  const customIds = (rows: unknown) => ((rows ?? []) as Row[]).flatMap((r) => r.components.map((c) => c.custom_id));

  it('the declaration carries a Tick button per item; pressing one ticks it as the presser', async () => {
    const maya = discordIdOf('maya');
    await run(maya, INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Consent banner broken' }, { name: 'severity', type: STR, value: 'sev1' }]);
    await k.tick();
    const [thread] = k.fake.threads();
    const declared = k.fake.botMessages(thread.id)[0];
    expect(customIds(declared.components)).toContain('klaxon:cmd:check #1 1');
    const press = k.fake.click(maya, declared, 'klaxon:cmd:check #1 1');
    await k.fake.waitFor(() => answerText(press), 3000, 'the Tick answer');
    expect(answerText(press)).toMatch(/^Ticked 1\. /);
    expect(press.responses[0].data.flags).toBe(EPHEMERAL);
    expect(k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'check')).all()).toHaveLength(1);
    const again = k.fake.click(maya, declared, 'klaxon:cmd:check #1 1');
    await k.fake.waitFor(() => answerText(again), 3000, 'the second answer');
    expect(answerText(again)).toMatch(/was ticked already/);
  });

  it('/incident action answers with a Confirm button that runs it; a forged button runs nothing', async () => {
    const maya = discordIdOf('maya');
    await run(maya, INCIDENTS, 'declare', [{ name: 'title', type: STR, value: 'Docs down' }, { name: 'severity', type: STR, value: 'sev2' }]);
    await k.tick();
    const [thread] = k.fake.threads();
    const asked = await run(maya, thread.id, 'action', [{ name: 'name', type: STR, value: 'docs-banner' }]);
    expect(answerText(asked)).toContain('docs-banner (show the outage banner on the docs site) will call POST 127.0.0.1:9/banner');
    expect(customIds(asked.original?.components ?? asked.responses[0].data.components)).toEqual(['klaxon:cmd:action #1 docs-banner confirm']);
    const forged = k.fake.click(maya, asked.original!, 'klaxon:cmd:resolve #1 gone');
    await k.fake.waitFor(() => answerText(forged), 3000, 'the forged answer');
    expect(answerText(forged)).toMatch(/does not run anything Klaxon knows/);
    expect(getIncident(k.db, 1)!.status).not.toBe('resolved');
    const confirm = k.fake.click(maya, asked.original!, 'klaxon:cmd:action #1 docs-banner confirm');
    await k.fake.waitFor(() => answerText(confirm), 3000, 'the Confirm answer');
    expect(answerText(confirm)).toBe('Running docs-banner (POST 127.0.0.1:9/banner)…');
    await k.app.service.actionsSettled();
    expect(k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'action_failed')).all()).toHaveLength(1);
  });
});
