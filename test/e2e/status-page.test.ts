// The public status page in a real browser: Debian's Chromium through playwright-core, with
// JavaScript turned off (the page must not need it) and a phone-sized viewport.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE, startApp, T0, type TestApp } from '../http/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = 'test-output';
const DAY = 24 * HOUR;

let t: TestApp;
let browser: Browser;

/** A phone (390×844) with JavaScript off; returns the loaded page. */
async function open(path: string, viewport = { width: 390, height: 844 }): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport, deviceScaleFactor: 2, isMobile: viewport.width < 600 });
  const page = await context.newPage();
  const r = await page.goto(t.base + path);
  expect(r?.status()).toBe(200);
  return page;
}

beforeAll(async () => {
  // Missing Chromium is a failure, not a skip: CI installs it (.ci/run), and so must a developer.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the status page test`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });

  // Some history first, so the 90-day strip has something to show: a SEV2 20 days ago, a SEV1 5 days ago.
  t = await startApp({ start: new Date(Date.parse(T0) - 20 * DAY).toISOString() });
  await t.run('bob', 'declare sev2 Search results delayed');
  t.clock.advance(90 * MINUTE);
  await t.run('bob', 'resolve Reindexed the search cluster');
  t.clock.set(new Date(Date.parse(T0) - 5 * DAY));
  await t.run('bob', 'declare sev1 API unavailable');
  t.clock.advance(2 * HOUR);
  await t.run('bob', 'resolve Failed over to the standby database');

  // Now: a public SEV1 open for 31 minutes with an update, an internal SEV3, and a SEV1 only 10 minutes old.
  t.clock.set(T0);
  await t.run('bob', 'declare sev1 Checkout payments failing');
  await t.run('bob', 'declare sev3 Internal admin report slow');
  t.clock.advance(10 * MINUTE);
  await t.run('bob', 'update #3 We are investigating elevated payment errors.');
  t.clock.advance(10 * MINUTE);
  await t.run('bob', 'update #3 identified A faulty deploy at 09:55 is rolling back; error rates are falling.');
  t.clock.advance(MINUTE);
  await t.run('bob', 'declare sev1 Login errors in the EU');
  t.clock.advance(10 * MINUTE);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('/status in headless Chromium', () => {
  it('shows the public SEV1 open for 31 minutes with its latest update, and not the internal or 10-minute-old ones', async () => {
    const page = await open('/status');
    expect(await page.title()).toBe('Acme status');
    expect(await page.locator('h1').innerText()).toBe('Acme status');
    expect(await page.locator('.banner').innerText()).toBe('1 ongoing incident');

    const cards = page.locator('main article.incident');
    expect(await cards.count()).toBe(1);
    const card = cards.first();
    expect(await card.isVisible()).toBe(true);
    expect(await card.locator('h3').innerText()).toBe('Checkout payments failing');
    expect(await card.locator('.sev').innerText()).toBe('SEV1');
    expect(await card.locator('.state').innerText()).toBe('Identified');
    expect(await card.locator('.meta').innerText()).toContain('ongoing for 31m');
    // The latest update comes first and is on screen.
    const latest = card.locator('.updates li').first();
    expect(await latest.isVisible()).toBe(true);
    expect(await latest.innerText()).toContain('A faulty deploy at 09:55 is rolling back; error rates are falling.');
    expect(await latest.innerText()).toContain('10:20 GMT');
    expect(await latest.locator('strong').innerText()).toBe('Identified');
    expect(await card.innerText()).not.toContain('Bob Baker');

    const text = await page.locator('body').innerText();
    expect(text).not.toContain('Internal admin report slow');
    expect(text).not.toContain('Login errors in the EU');

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}/status-page.png`, fullPage: true });
    await page.context().close();
  });

  it('draws 90 days of bars coloured by the worst public severity, the last 30 on a phone', async () => {
    const page = await open('/status');
    const bars = page.locator('.bars li');
    expect(await bars.count()).toBe(90);
    expect(await bars.nth(89).getAttribute('data-severity')).toBe('sev1'); // today
    expect(await bars.nth(84).getAttribute('data-severity')).toBe('sev1'); // 5 days ago
    expect(await bars.nth(69).getAttribute('data-severity')).toBe('sev2'); // 20 days ago
    expect(await bars.nth(88).getAttribute('data-severity')).toBe('none');
    // Phone: the 60 oldest bars are hidden so each of the last 30 stays readable.
    expect(await bars.nth(0).isVisible()).toBe(false);
    expect(await bars.nth(60).isVisible()).toBe(true);
    const box = await bars.nth(89).boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(7);
    // Nothing is wider than the phone's screen.
    const main = await page.locator('main').boundingBox();
    expect(main!.x + main!.width).toBeLessThanOrEqual(390);
    await page.context().close();
  });

  it('shows all 90 bars and the resolved incidents on a desktop', async () => {
    const page = await open('/status', { width: 1280, height: 1000 });
    expect(await page.locator('.bars li').nth(0).isVisible()).toBe(true);
    const resolved = page.locator('details.incident');
    expect(await resolved.count()).toBe(1); // the SEV1 five days ago; the SEV2 is older than a week
    expect(await resolved.locator('summary').innerText()).toContain('API unavailable');
    await page.screenshot({ path: `${OUT}/status-page-desktop.png`, fullPage: true });
    await page.context().close();
  });
});
