#!/usr/bin/env node
// End-to-end browser test of the sitrep dashboard.
//
// Usage: node tests/browser/dashboard.test.mjs BASE_URL [SCREENSHOT_DIR]
//   BASE_URL        e.g. http://127.0.0.1:8080 (a running sitrep server, or mock_server.py)
//   SCREENSHOT_DIR  default: $TMPDIR/sitrep-browser (must be outside the repository)
//
// Environment:
//   EXPECT_COUNTRY   country filter checked in step 4 (default ARM); must match ≥1 event
//   EXPECT_MIN_FATALITIES  minimum-fatalities filter added in step 4 (default none)
//   XSS_QUERY        text searched in step 6 (default "onerror")
//   EXPECT_XSS_TEXT  =1: the opened result must show the literal text "<img" in its evidence
//   EXPECT_TIMELINE_UNIT  day|week|month|year: the initial timeline's bins (default: any)
//   CHROMIUM         browser binary (default /usr/bin/chromium); no browser is downloaded
//   TIMEOUT_MS       per-wait timeout (default 15000)
//
// Exits 0 when every step passes, 1 on the first failure (with a message).

import { mkdtempSync, mkdirSync, rmSync, realpathSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { decodePng } from './png.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

const baseArg = process.argv[2];
if (!baseArg || baseArg === '-h' || baseArg === '--help') {
  console.error('usage: node tests/browser/dashboard.test.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
let BASE;
try {
  BASE = new URL(baseArg);
} catch {
  console.error(`not a URL: ${baseArg}`);
  process.exit(2);
}
if (!/^https?:$/.test(BASE.protocol)) {
  console.error(`BASE_URL must be http(s): ${baseArg}`);
  process.exit(2);
}
const baseHref = BASE.origin + '/';

const EXPECT_COUNTRY = (process.env.EXPECT_COUNTRY || 'ARM').toUpperCase();
// Also filter step 4 by a minimum toll, so the event opened in step 5 has claims.
const EXPECT_MIN_FATALITIES = process.env.EXPECT_MIN_FATALITIES || '';
const XSS_QUERY = process.env.XSS_QUERY || 'onerror';
const EXPECT_XSS_TEXT = process.env.EXPECT_XSS_TEXT === '1';
const EXPECT_TIMELINE_UNIT = process.env.EXPECT_TIMELINE_UNIT || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.TIMEOUT_MS || 15000);

const shotDir = path.resolve(process.argv[3] || path.join(process.env.TMPDIR || tmpdir(), 'sitrep-browser'));
mkdirSync(shotDir, { recursive: true });
{
  const real = realpathSync(shotDir);
  const repoReal = realpathSync(REPO);
  if (real === repoReal || real.startsWith(repoReal + path.sep)) {
    console.error(`SCREENSHOT_DIR must be outside the repository: ${real}`);
    process.exit(2);
  }
}

// ------------------------------------------------------------------ harness

class Failure extends Error {}
let stepNo = 0;
function step(name) {
  stepNo += 1;
  console.log(`[${stepNo}] ${name}`);
}
function info(msg) {
  console.log(`    ${msg}`);
}
function check(cond, msg) {
  if (!cond) throw new Failure(msg);
}

/** Awaits `promise`; a timeout or browser error becomes a Failure saying what was awaited. */
async function within(what, promise, page) {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof Failure) throw err;
    let status = '';
    if (page) {
      status = await page.$eval('#status-line', (s) => s.textContent).catch(() => '');
      if (status) status = `\n  #status-line: "${status}"`;
    }
    const first = String((err && err.message) || err).split('\n')[0];
    throw new Failure(`${what}: ${first}${status}`);
  }
}

const requests = [];
const consoleErrors = [];
let dialogFired = null;

async function shot(page, name) {
  const file = path.join(shotDir, name);
  await page.screenshot({ path: file, fullPage: false });
  info(`screenshot ${file}`);
}

/** Waits for the dashboard's list request to finish (#status-line data-state ready|error). */
async function waitForList(page, expectQuery) {
  await within('waiting for the event list to load (#status-line[data-state=ready])', page.waitForFunction(
    (q) => {
      const s = document.getElementById('status-line');
      if (!s) return false;
      if (q !== null && s.dataset.query !== q) return false;
      return s.dataset.state === 'ready' || s.dataset.state === 'error';
    },
    expectQuery,
    { timeout: TIMEOUT },
  ), page);
  const st = await page.$eval('#status-line', (s) => ({ state: s.dataset.state, text: s.textContent, query: s.dataset.query }));
  check(st.state === 'ready', `the event list failed to load: #status-line says "${st.text}"`);
  return st;
}

function countFromStatus(text) {
  const m = /(\d+)\s+events?\b/.exec(text || '');
  return m ? Number(m[1]) : null;
}

/** Fetches an API URL from inside the page (same origin, same cookies). */
async function apiGet(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Accept: 'application/json' } });
    let body = null;
    try {
      body = await r.json();
    } catch {
      body = null;
    }
    return { status: r.status, body };
  }, url);
}

async function openFirstEvent(page) {
  const firstId = await page.$eval('#event-list li.event-row', (li) => li.dataset.id);
  await page.click('#event-list li.event-row');
  await within(`waiting for event ${firstId} in #event-view`, page.waitForFunction(
    (id) => {
      const v = document.getElementById('event-view');
      return v && !v.hidden && v.dataset.id === id && (v.dataset.state === 'ready' || v.dataset.state === 'error');
    },
    firstId,
    { timeout: TIMEOUT },
  ), page);
  const st = await page.$eval('#event-view', (v) => ({ state: v.dataset.state, text: v.textContent.slice(0, 300) }));
  check(st.state === 'ready', `event ${firstId} failed to load: ${st.text}`);
  return firstId;
}

// ------------------------------------------------------------ view checks

/**
 * Grey bands across the map (polygons joined across the antimeridian): at a view
 * where the whole world is as wide as the map, the longest run of pixels that are not
 * sea in each row between 58°S and 80°N, as a share of the world's width. No land is
 * that wide there (Eurasia, the widest, is about half).
 */
async function mapBandShare(page) {
  const view = await page.evaluate(async () => {
    const m = window.sitrepMap;
    const size = m.getSize();
    const zoom = Math.floor(Math.log2(size.x / 256) * 2) / 2;
    m.setView([15, 0], zoom, { animate: false });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const west = m.latLngToContainerPoint([0, -180]).x, east = m.latLngToContainerPoint([0, 180]).x;
    const lats = [];
    for (let y = 0; y < size.y; y++) lats.push(m.containerPointToLatLng([size.x / 2, y]).lat);
    return { west, east, lats, zoom };
  });
  const img = decodePng(await page.locator('#map').screenshot());
  // Anything but sea: a band shows as a filled strip or, where its fill cancels a
  // country's (even-odd), as its edge lines running the width of the map.
  const sea = [234, 241, 247];
  const near = (i) => !(Math.abs(img.data[i] - sea[0]) <= 3 && Math.abs(img.data[i + 1] - sea[1]) <= 3
    && Math.abs(img.data[i + 2] - sea[2]) <= 3);
  // inside the map's 1 px border
  const x0 = Math.max(2, Math.round(view.west)), x1 = Math.min(img.width - 2, Math.round(view.east));
  check(img.height >= view.lats.length - 2, `the map is ${img.height} px tall on screen but Leaflet thinks ${view.lats.length}`);
  let worst = { share: 0, lat: null };
  for (let y = 2; y < Math.min(img.height, view.lats.length) - 2; y++) {
    const lat = view.lats[y];
    if (!(lat <= 80 && lat >= -58)) continue;
    let run = 0, best = 0;
    for (let x = x0; x < x1; x++) {
      run = near((y * img.width + x) * img.channels) ? run + 1 : 0;
      best = Math.max(best, run);
    }
    const share = best / Math.max(1, x1 - x0);
    if (share > worst.share) worst = { share, lat };
  }
  return worst;
}

/** Sizes in a chart (#timeline, #fatalities): bars, date labels and the svg's box. */
async function chartGeometry(page, sel) {
  return page.evaluate((s) => {
    const root = document.querySelector(`${s} svg`);
    if (!root) return null;
    const box = root.getBoundingClientRect();
    const rect = (n) => {
      const b = n.getBoundingClientRect();
      return { left: b.left, right: b.right, width: b.width, text: n.textContent };
    };
    return {
      unit: root.dataset.unit,
      left: box.left,
      right: box.right,
      groups: root.querySelectorAll('g.bar-group').length,
      bars: Array.from(root.querySelectorAll('rect.bar'), rect),
      labels: Array.from(root.querySelectorAll('text.tick.x'), rect).sort((a, b) => a.left - b.left),
    };
  }, sel);
}

/** Bars at least 3 px wide, date labels in ISO form, inside the chart and apart. */
async function checkChart(page, sel) {
  const g = await chartGeometry(page, sel);
  if (g === null) return null;
  check(g.bars.length >= 1, `${sel}: no bars`);
  const thin = g.bars.filter((b) => b.width < 3);
  check(thin.length === 0, `${sel}: ${thin.length} bar(s) narrower than 3 px (unit ${g.unit})`);
  check(g.labels.length >= Math.min(2, g.groups), `${sel}: ${g.labels.length} date label(s) for ${g.groups} bins`);
  for (const l of g.labels) {
    check(/^\d{4}(-\d{2}){0,2}$/.test(l.text), `${sel}: label "${l.text}" is not an ISO date`);
    check(l.left >= g.left - 0.5 && l.right <= g.right + 0.5, `${sel}: label "${l.text}" leaves the chart`);
  }
  for (let i = 1; i < g.labels.length; i++) {
    check(g.labels[i].left >= g.labels[i - 1].right + 2,
      `${sel}: labels "${g.labels[i - 1].text}" and "${g.labels[i].text}" overlap`);
  }
  return g;
}

// --------------------------------------------------------------------- run

async function run() {
  check(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (set CHROMIUM=/path/to/chromium)`);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'sitrep-chromium-'));
  let context;
  try {
    context = await within(`launching ${CHROMIUM}`, chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 900 },
      timeout: 60000,
    }));
    context.setDefaultTimeout(TIMEOUT);
    context.on('request', (req) => requests.push(req.url()));
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location();
      const where = loc && loc.url ? loc.url : '';
      if (/favicon/i.test(msg.text()) || /favicon/i.test(where)) return;
      consoleErrors.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    page.on('dialog', async (d) => {
      dialogFired = `${d.type()}: ${d.message()}`;
      await d.dismiss().catch(() => {});
    });
    const noErrorsSoFar = () => check(consoleErrors.length === 0, `browser errors:\n  ${consoleErrors.join('\n  ')}`);

    // (1) open
    step(`open ${baseHref}`);
    const resp = await within(`opening ${baseHref}`, page.goto(baseHref, { waitUntil: 'domcontentloaded' }));
    check(resp && resp.ok(), `GET ${baseHref} returned HTTP ${resp ? resp.status() : 'no response'}`);
    const st1 = await waitForList(page, null);
    const nRows = await page.$$eval('#event-list li.event-row', (l) => l.length);
    check(nRows >= 1, `no event rows in #event-list (#status-line: "${st1.text}"); does the server have events?`);
    info(`#status-line: "${st1.text}", ${nRows} row(s)`);
    noErrorsSoFar();

    // (2) map
    step('map: country paths and event markers');
    await page.waitForFunction(() => document.querySelectorAll('#map svg path').length > 100, null, { timeout: TIMEOUT })
      .catch(() => {});
    const nPaths = await page.$$eval('#map svg path', (l) => l.length);
    check(nPaths > 100, `expected > 100 svg paths in #map (countries), found ${nPaths}`);
    await page.waitForSelector('#map path.event-marker', { timeout: TIMEOUT }).catch(() => {});
    const nMarkers = await page.$$eval('#map path.event-marker', (l) => l.length);
    check(nMarkers >= 1, 'expected at least one circle marker (#map path.event-marker)');
    info(`${nPaths} svg paths, ${nMarkers} event marker(s)`);
    await within('waiting for the basemap', page.waitForSelector('#map[data-basemap=ready]', { timeout: TIMEOUT }), page);
    const band = await mapBandShare(page);
    await shot(page, '01-world.png');
    check(band.share < 0.7, `a grey band crosses the map near ${band.lat && band.lat.toFixed(1)}° (a land run of ${(band.share * 100).toFixed(0)}% of the world's width)`);
    info(`widest run of land between 58°S and 80°N: ${(band.share * 100).toFixed(0)}% of the world's width`);

    // (3) charts
    step('charts: events and fatalities over time, counts by type and country');
    const tl = await checkChart(page, '#timeline');
    check(tl !== null, 'no chart in #timeline');
    check(!EXPECT_TIMELINE_UNIT || tl.unit === EXPECT_TIMELINE_UNIT, `the timeline bins by ${tl.unit}, expected ${EXPECT_TIMELINE_UNIT}`);
    const fat = await checkChart(page, '#fatalities');
    check(fat === null || ['week', 'month', 'year'].includes(fat.unit), `fatalities binned by ${fat && fat.unit}, not per week or coarser`);
    const total1 = countFromStatus(st1.text);
    const typeCounts = await page.$$eval('#by-type .count-row .count-n', (l) => l.map((n) => Number(n.textContent)));
    check(typeCounts.length >= 1, 'no rows in the counts by type');
    if (!(await page.$('#by-type .count-more'))) {
      const sum = typeCounts.reduce((a, b) => a + b, 0);
      check(sum === total1, `counts by type add up to ${sum}, the list has ${total1} events`);
    }
    const countryNames = await page.$$eval('#by-country .count-row .count-name', (l) => l.map((n) => n.textContent));
    check(countryNames.length >= 1, 'no rows in the counts by country');
    check(countryNames.every((n) => !/^[A-Z]{3}$/.test(n)) || countryNames.length === 0,
      `countries shown as codes: ${countryNames.join(', ')}`);
    const placeCells = await page.$$eval('#event-list li.event-row .c-place', (l) => l.map((n) => n.textContent));
    const coded = placeCells.filter((t) => /\b[A-Z]{2}\.[0-9A-Z]+\b|, [A-Z]{3}$/.test(t));
    check(coded.length === 0, `places shown with codes: ${coded.slice(0, 3).join(' | ')}`);
    info(`timeline by ${tl.unit} (${tl.groups} bins, ${tl.labels.length} labels), fatalities by ${fat ? fat.unit : '—'}; `
      + `${typeCounts.length} type(s), countries ${countryNames.slice(0, 4).join(', ')}`);
    await shot(page, '01-initial.png');
    noErrorsSoFar();

    // (3b) a bar selects its days
    step('timeline: clicking the tallest bar filters to its days');
    const dateInput = await page.$eval('#f-from', (i) => ({ type: i.type, placeholder: i.placeholder }));
    check(dateInput.type === 'text' && dateInput.placeholder === 'YYYY-MM-DD', `date inputs are ${JSON.stringify(dateInput)}, not ISO text`);
    const tallest = await page.$$eval('#timeline g.bar-group', (gs) => {
      let best = null;
      for (const g of gs) {
        const n = Number((/(\d+) events?/.exec(g.getAttribute('aria-label') || '') || [])[1] || 0);
        if (!best || n > best.n) best = { n, from: g.dataset.from, to: g.dataset.to };
      }
      return best;
    });
    check(tallest && tallest.n >= 1, 'no bar with events in the timeline');
    await page.click(`#timeline g.bar-group[data-from="${tallest.from}"] .hit`);
    await within('waiting for the list to use the bar\'s days', page.waitForFunction(
      (b) => {
        const q = new URLSearchParams(document.getElementById('status-line').dataset.query || '');
        return q.get('from') === b.from && q.get('to') === b.to;
      },
      tallest,
      { timeout: TIMEOUT },
    ), page);
    const st3 = await waitForList(page, null);
    check(countFromStatus(st3.text) === tallest.n, `the bar says ${tallest.n} events, the list ${st3.text}`);
    const shownDates = await page.$eval('#f-from', (i) => i.value) + ' ' + await page.$eval('#f-to', (i) => i.value);
    check(shownDates === `${tallest.from} ${tallest.to}`, `the date inputs show "${shownDates}"`);
    await checkChart(page, '#timeline');
    info(`${tallest.from}…${tallest.to}: ${tallest.n} event(s)`);
    await page.click('#reset');
    await waitForList(page, null);

    // (4) country filter
    step(`filter country=${EXPECT_COUNTRY}`);
    await page.fill('#f-country', EXPECT_COUNTRY);
    if (EXPECT_MIN_FATALITIES) await page.fill('#f-min-fatalities', EXPECT_MIN_FATALITIES);
    await page.click('#apply');
    await within('waiting for the list to use the country filter', page.waitForFunction(
      (c) => new URLSearchParams(document.getElementById('status-line').dataset.query || '').get('country') === c,
      EXPECT_COUNTRY,
      { timeout: TIMEOUT },
    ), page);
    const st4 = await waitForList(page, null);
    const shown = countFromStatus(st4.text);
    check(shown !== null, `#status-line does not show an event count: "${st4.text}"`);
    const q4 = new URLSearchParams(st4.query);
    q4.set('limit', '50');
    q4.set('offset', '0');
    const api4 = await apiGet(page, `/api/events?${q4}`);
    check(api4.status === 200, `GET /api/events?${q4} returned HTTP ${api4.status}`);
    const b4 = api4.body;
    check(b4 && Array.isArray(b4.items) && typeof b4.total === 'number', 'malformed /api/events response');
    check(b4.total === shown, `#status-line says ${shown} events, the API says total=${b4.total}`);
    check(b4.total >= 1, `no events for country ${EXPECT_COUNTRY} (set EXPECT_COUNTRY to one that has events)`);
    const wrong = b4.items.filter((e) => e.country !== EXPECT_COUNTRY).map((e) => `${e.id}:${e.country}`);
    check(wrong.length === 0, `API returned events of other countries for country=${EXPECT_COUNTRY}: ${wrong.join(', ')}`);
    const rowCountries = await page.$$eval('#event-list li.event-row', (l) => l.map((li) => li.dataset.country));
    check(rowCountries.every((c) => c === EXPECT_COUNTRY), `rows of other countries shown: ${rowCountries.join(', ')}`);
    const rowIds = await page.$$eval('#event-list li.event-row', (l) => l.map((li) => li.dataset.id));
    const apiIds = b4.items.map((e) => e.id);
    check(JSON.stringify(rowIds) === JSON.stringify(apiIds),
      `rows do not match the API's first page:\n  rows: ${rowIds.join(', ')}\n  api:  ${apiIds.join(', ')}`);
    info(`${shown} event(s), ${rowIds.length} row(s), all ${EXPECT_COUNTRY}`);

    // (5) event view
    step('open the first event');
    const id5 = await openFirstEvent(page);
    await within('waiting for #event-view .evidence', page.waitForSelector('#event-view .evidence', { timeout: TIMEOUT }), page);
    const nEvidence = await page.$$eval('#event-view .evidence', (l) => l.length);
    const triggers = await page.$$eval('#event-view mark.trigger', (l) => l.map((m) => m.textContent));
    check(triggers.length >= 1, 'no mark.trigger in the event view');
    check(triggers.every((t) => t.trim() !== ''), 'a mark.trigger is empty');
    const nClaims = await page.$$eval('#event-view .claim', (l) => l.length);
    check(nClaims >= 1, 'no .claim in the event view');
    // code-point offsets: each in-range trigger highlight of the first mention must appear verbatim
    const detail = await apiGet(page, `/api/events/${encodeURIComponent(id5)}`);
    check(detail.status === 200, `GET /api/events/${id5} returned HTTP ${detail.status}`);
    const m0 = (detail.body.mentions || [])[0];
    if (m0 && m0.evidence && typeof m0.evidence.text === 'string') {
      const cps = Array.from(m0.evidence.text);
      const expected = (m0.highlights || [])
        .filter((h) => h && h.kind === 'trigger' && h.start >= 0 && h.end <= cps.length && h.end > h.start)
        .map((h) => cps.slice(h.start, h.end).join(''));
      const allFirst = await page.$eval('#event-view .evidence', (e) => ({
        text: e.querySelector('.sentence') ? e.querySelector('.sentence').textContent : null,
        marks: Array.from(e.querySelectorAll('mark.trigger')).map((m) => m.textContent),
      }));
      check(allFirst.text === m0.evidence.text, `first evidence sentence differs from the API text:\n  page: ${allFirst.text}\n  api:  ${m0.evidence.text}`);
      for (const want of expected) {
        check(allFirst.marks.includes(want),
          `trigger highlight "${want}" (code points) not found; marks: ${JSON.stringify(allFirst.marks)}`);
      }
    }
    info(`${nEvidence} evidence block(s), triggers ${JSON.stringify(triggers)}, ${nClaims} claim(s)`);
    const ev5 = detail.body;
    if (typeof ev5.lat === 'number' && typeof ev5.lon === 'number') {
      const mv = await page.evaluate(() => ({ c: window.sitrepMap.getCenter(), z: window.sitrepMap.getZoom() }));
      check(Math.abs(mv.c.lat - ev5.lat) < 0.5 && Math.abs(mv.c.lng - ev5.lon) < 0.5 && mv.z >= 5,
        `the map did not go to the event at ${ev5.lat},${ev5.lon}: centre ${mv.c.lat.toFixed(2)},${mv.c.lng.toFixed(2)} zoom ${mv.z}`);
      info(`map at ${mv.c.lat.toFixed(2)},${mv.c.lng.toFixed(2)}, zoom ${mv.z}`);
    }
    const why = await page.$$eval('#event-view .evidence .merge', (l) => l.map((n) => n.textContent));
    check(why.length === nEvidence, `${why.length} grouping reasons for ${nEvidence} evidence cards`);
    const codeLike = why.filter((w) => /=|score=|^\s*$/.test(w) || !/\.$/.test(w.trim()));
    check(codeLike.length === 0, `grouping reasons not in words: ${codeLike.slice(0, 2).join(' | ')}`);
    const facts = await page.$eval('#event-view dl.facts', (d) => d.textContent);
    check(!/\b[A-Z]{2}\.[0-9A-Z]+\b/.test(facts), `the event's facts show an admin code: ${facts.slice(0, 200)}`);
    await shot(page, '02-event.png');
    noErrorsSoFar();

    // (5b) evidence → article
    step('every evidence card links to its article; the first opens with its sentence marked');
    const links = await page.$$eval('#event-view .evidence', (l) => l.map((e) => {
      const a = e.querySelector('a.article-link');
      return a ? a.href : null;
    }));
    check(links.every((h) => h && new URL(h).origin === BASE.origin), `an evidence card has no link to its article: ${JSON.stringify(links)}`);
    await page.click('#event-view .evidence a.article-link');
    await within('waiting for the article view', page.waitForFunction(
      () => {
        const v = document.getElementById('event-view');
        return v && !v.hidden && v.dataset.kind === 'doc' && (v.dataset.state === 'ready' || v.dataset.state === 'error');
      },
      null,
      { timeout: TIMEOUT },
    ), page);
    const art = await page.$eval('#event-view', (v) => ({ state: v.dataset.state, mark: (v.querySelector('mark.evidence') || {}).textContent }));
    check(art.state === 'ready', 'the article failed to load');
    if (m0 && m0.evidence && typeof m0.evidence.text === 'string') {
      check(art.mark === m0.evidence.text, `the article's marked sentence differs from the evidence:\n  marked: ${art.mark}\n  evidence: ${m0.evidence.text}`);
    }
    await shot(page, '02-article.png');
    await page.click('#close-event');
    await within('waiting to return to the event', page.waitForFunction(
      (id) => {
        const v = document.getElementById('event-view');
        return v && v.dataset.kind === 'event' && v.dataset.id === id && v.dataset.state === 'ready';
      },
      id5,
      { timeout: TIMEOUT },
    ), page);
    info(`${links.length} article link(s); the first article marks its evidence`);
    noErrorsSoFar();

    // (6) XSS
    step(`XSS: search "${XSS_QUERY}"`);
    await page.click('#reset');
    await waitForList(page, null);
    await page.fill('#f-q', XSS_QUERY);
    await page.click('#apply');
    await within('waiting for the list to use the search text', page.waitForFunction(
      (q) => new URLSearchParams(document.getElementById('status-line').dataset.query || '').get('q') === q,
      XSS_QUERY,
      { timeout: TIMEOUT },
    ), page);
    const st6 = await waitForList(page, null);
    const n6 = await page.$$eval('#event-list li.event-row', (l) => l.length);
    info(`#status-line: "${st6.text}"`);
    if (n6 > 0) {
      await openFirstEvent(page);
      await within('waiting for #event-view .evidence', page.waitForSelector('#event-view .evidence', { timeout: TIMEOUT }), page);
      await page.waitForTimeout(300); // let any injected handler fire
      if (EXPECT_XSS_TEXT) {
        const evText = await page.$$eval('#event-view .evidence', (l) => l.map((e) => e.textContent).join('\n'));
        check(evText.includes('<img'), 'expected the literal text "<img" in the evidence');
      }
      const injected = await page.$$eval('#event-view img, #event-view script, #event-view iframe, #event-list img, #event-list script',
        (l) => l.map((n) => n.outerHTML.slice(0, 80)));
      check(injected.length === 0, `article text became elements: ${injected.join(' | ')}`);
      // resolved: external links are http(s), article links this dashboard
      const badLinks = await page.$$eval('#event-view a[href], #event-list a[href]', (l) => l.map((a) => a.href)
        .filter((h) => !/^https?:\/\//i.test(h)));
      check(badLinks.length === 0, `links with a non-http(s) href: ${badLinks.join(', ')}`);
      await shot(page, '03-xss.png');
    } else if (EXPECT_XSS_TEXT) {
      throw new Failure(`EXPECT_XSS_TEXT=1 but searching "${XSS_QUERY}" found no event`);
    } else {
      info('no result to open');
    }
    const xss = await page.evaluate(() => typeof window.__xss === 'undefined' ? null : String(window.__xss));
    check(xss === null, `window.__xss was set to ${xss}: script from article text ran`);
    check(dialogFired === null, `a dialog was opened: ${dialogFired}`);

    // (7) network
    step('network: every request stays on the server');
    const foreign = requests.filter((u) => {
      if (/^(data|blob|about):/i.test(u)) return false;
      try {
        return new URL(u).host !== BASE.host;
      } catch {
        return true;
      }
    });
    check(foreign.length === 0, `requests left ${BASE.host}:\n  ${[...new Set(foreign)].join('\n  ')}`);
    info(`${requests.length} request(s), all to ${BASE.host}`);

    // (8) console
    step('no console errors or page errors');
    noErrorsSoFar();
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

try {
  await run();
  console.log(`PASS: dashboard end-to-end (${stepNo} steps), screenshots in ${shotDir}`);
  console.log('1 passed, 0 failed');
  process.exit(0);
} catch (err) {
  const msg = err instanceof Failure ? err.message : (err && err.stack) || String(err);
  console.error(`FAIL at step ${stepNo}: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
