#!/usr/bin/env node
// The dashboard's alerts panel and live refresh, in headless Chromium, against a
// `sitrep serve` whose database `sitrep watch` fills while the page is open.
//
// Usage: node tests/browser/alerts.test.mjs BASE_URL
//   1. The panel shows the rules and the alert already fired (EXPECT_ALERT_TEXT in its
//      message); then the script prints READY and waits.
//   2. The caller runs `sitrep watch` again (a revised toll, a new article); without a
//      reload the page must show a "revised" alert and more events. Clicking the alert
//      opens its event.
// Environment: CHROMIUM (default /usr/bin/chromium), EXPECT_ALERT_TEXT, TIMEOUT_MS.
// Exits 0 with PASS, 1 with the failure.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.argv[2];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.TIMEOUT_MS || 60000);
const EXPECT = process.env.EXPECT_ALERT_TEXT || '';

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exit(1);
}

const context = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'sitrep-chromium-')), {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1440, height: 900 },
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
  await page.goto(BASE, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#alerts-wrap:not([hidden]) #alert-list li.alert-row', { timeout: TIMEOUT })
    .catch(() => fail('the alerts panel did not show the fired alert'));
  const rules = await page.$$eval('#alert-rules li', (l) => l.map((n) => n.textContent));
  if (!rules.some((r) => r.startsWith('deadly') && r.includes('≥ 5 killed'))) fail(`rules shown: ${JSON.stringify(rules)}`);
  const first = await page.$$eval('#alert-list li.alert-row', (l) => l.map((n) => n.textContent));
  if (first.length !== 1 || !first[0].includes(EXPECT)) fail(`alerts shown: ${JSON.stringify(first)}`);
  const live = await page.$eval('#watch-state', (n) => n.textContent);
  if (!live.startsWith('live')) fail(`watch state: ${live}`);
  await page.waitForFunction(() => document.querySelector('#status-line').dataset.state === 'ready', null, { timeout: TIMEOUT });
  const before = Number(await page.$eval('#status-line', (n) => n.dataset.total));
  console.log(`READY ${before} events, alert: ${first[0]}`);

  await page.waitForSelector('#alert-list li.alert-row[data-kind=revised]', { timeout: TIMEOUT })
    .catch(() => fail('no revised alert appeared without a reload'));
  await page.waitForFunction((n) => Number(document.querySelector('#status-line').dataset.total) > n, before, { timeout: TIMEOUT })
    .catch(() => fail('the event list did not grow without a reload'));
  if (navigations !== 1) fail(`the page was reloaded (${navigations} navigations)`);
  const revised = await page.$eval('#alert-list li.alert-row[data-kind=revised]', (n) => n.textContent);
  if (!revised.includes('12 → 19')) fail(`revised alert: ${revised}`);
  await page.click('#alert-list li.alert-row[data-kind=revised]');
  await page.waitForSelector('#event-view:not([hidden])', { timeout: TIMEOUT }).catch(() => fail('clicking the alert opened no event'));
  const body = await page.$eval('#event-body', (n) => n.textContent);
  if (!body.includes('19')) fail('the opened event does not show the revised toll');
  if (errors.length) fail(`page errors: ${errors.join('; ')}`);
  console.log(`PASS: revised alert "${revised}", events ${before} → ${await page.$eval('#status-line', (n) => n.dataset.total)}`);
} finally {
  await context.close();
}
