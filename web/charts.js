/* sitrep dashboard — charts of the current filter: events over time, fatalities per
 * week (or coarser), and counts by type and by country.
 *
 * Time bins are chosen from the span and the chart's width: the smallest of day, week
 * (from Monday), month and year that keeps every bar at least MIN_SLOT pixels wide, with
 * empty bins drawn as gaps. Date labels are spaced so that they never overlap, and a
 * click on a bar filters to that bin's days.
 */
import { $, arr, el, svg, num, str, plural, onActivate, DATE_RE, categoryOf } from './dom.js';

const MIN_SLOT = 8;
const UNITS = ['day', 'week', 'month', 'year'];
const LABEL_CHAR_PX = 6.4; // 10px tabular digits, with margin
const MAX_COUNT_ROWS = 8;
/** Room around a bar chart's plot: the count axis on the left, the date labels below. */
const PAD = { padL: 40, padR: 10, padT: 8, padB: 18 };

/** The width a chart in `box` is drawn at. */
const chartWidth = (box) => Math.max(240, box.clientWidth || 600);

// ---------------------------------------------------------------- days

const DAY_MS = 86400000;
const dayNumber = (iso) => Math.round(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS);
const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The first day of the bin of `day` (a day number) for `unit`. */
function binStart(day, unit) {
  if (unit === 'day') return day;
  if (unit === 'week') return day - ((new Date(day * DAY_MS).getUTCDay() + 6) % 7);
  const d = new Date(day * DAY_MS);
  const m = unit === 'month' ? d.getUTCMonth() : 0;
  return Math.round(Date.UTC(d.getUTCFullYear(), m, 1) / DAY_MS);
}

/** The first day of the bin after the one starting at `start`. */
function nextBin(start, unit) {
  if (unit === 'day') return start + 1;
  if (unit === 'week') return start + 7;
  const d = new Date(start * DAY_MS);
  const y = d.getUTCFullYear() + (unit === 'year' ? 1 : 0);
  const m = d.getUTCMonth() + (unit === 'month' ? 1 : 0);
  return Math.round(Date.UTC(y, m, 1) / DAY_MS);
}

function binLabel(start, unit) {
  const iso = isoOf(start);
  return unit === 'year' ? iso.slice(0, 4) : unit === 'month' ? iso.slice(0, 7) : iso;
}

/** Per-day rows {key, events, fatalities} grouped into continuous bins of `unit`. */
function binRows(rows, unit) {
  const days = rows.filter((r) => r && typeof r.key === 'string' && DATE_RE.test(r.key) && num(r.events) !== null)
    .map((r) => ({ day: dayNumber(r.key), events: r.events, fatalities: num(r.fatalities) ?? 0 }))
    .filter((r) => Number.isFinite(r.day))
    .sort((a, b) => a.day - b.day);
  if (!days.length) return [];
  const bins = [];
  const byStart = new Map();
  const last = binStart(days[days.length - 1].day, unit);
  for (let s = binStart(days[0].day, unit); s <= last; s = nextBin(s, unit)) {
    const b = { start: isoOf(s), end: isoOf(nextBin(s, unit) - 1), label: binLabel(s, unit), events: 0, fatalities: 0 };
    byStart.set(s, b);
    bins.push(b);
    if (bins.length > 100000) break; // corrupt dates: never loop for ever
  }
  for (const d of days) {
    const b = byStart.get(binStart(d.day, unit));
    if (b) {
      b.events += d.events;
      b.fatalities += d.fatalities;
    }
  }
  return bins;
}

/** The finest unit, from `minUnit` up, whose bins fit `width` pixels. */
function chooseUnit(rows, width, minUnit) {
  const valid = rows.filter((r) => r && typeof r.key === 'string' && DATE_RE.test(r.key));
  if (!valid.length) return minUnit;
  const keys = valid.map((r) => r.key).sort();
  const span = dayNumber(keys[keys.length - 1]) - dayNumber(keys[0]) + 1;
  const perBin = { day: 1, week: 7, month: 30.44, year: 365.25 };
  const maxBins = Math.max(1, Math.floor(width / MIN_SLOT));
  for (const u of UNITS.slice(UNITS.indexOf(minUnit))) {
    if (span / perBin[u] + 1 <= maxBins) return u;
  }
  return 'year';
}

/**
 * Draws one bar chart into `box`. `opts`: value ('events' | 'fatalities'), unit,
 * selected ({from, to}), onPick(bin).
 */
function barChart(box, bins, opts) {
  const W = chartWidth(box);
  const H = opts.height;
  const { padL, padR, padT, padB } = PAD;
  const plotW = W - padL - padR, plotH = H - padT - padB;
  const slot = plotW / bins.length;
  const barW = Math.max(1, Math.min(40, slot * 0.8));
  const max = Math.max(1, ...bins.map((b) => b[opts.value]));
  const y = (v) => padT + plotH - (v / max) * plotH;
  const what = opts.value === 'events' ? 'events' : 'fatalities';
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'data-unit': opts.unit,
    'aria-label': `${what} per ${opts.unit}, ${bins[0].start} to ${bins[bins.length - 1].end}`,
  });
  root.appendChild(svg('line', { class: 'axis', x1: padL, y1: padT + plotH + 0.5, x2: W - padR, y2: padT + plotH + 0.5 }));
  root.appendChild(svg('line', { class: 'axis', x1: padL - 0.5, y1: padT, x2: padL - 0.5, y2: padT + plotH }));
  root.appendChild(svg('text', { class: 'tick y', x: padL - 4, y: padT + 8, 'text-anchor': 'end' }, String(max)));
  root.appendChild(svg('text', { class: 'tick y', x: padL - 4, y: padT + plotH, 'text-anchor': 'end' }, '0'));

  const sel = opts.selected || {};
  bins.forEach((b, i) => {
    const v = b[opts.value];
    const x = padL + i * slot;
    const range = b.start === b.end ? b.start : `${b.start} to ${b.end}`;
    const title = `${range}: ${plural(b.events, 'event')}, ${plural(b.fatalities, 'fatality', 'fatalities')}`;
    const selected = sel.from === b.start && sel.to === b.end;
    const g = svg('g', {
      class: 'bar-group' + (selected ? ' selected' : '') + (v ? '' : ' empty'),
      'data-from': b.start, 'data-to': b.end, tabindex: v ? '0' : '-1', role: 'button', 'aria-label': title,
    }, svg('title', null, title),
    // a full-height transparent hit area so that short bars stay clickable
    svg('rect', { class: 'hit', x, y: padT, width: slot, height: plotH }));
    if (v > 0) {
      const top = Math.min(y(v), padT + plotH - 1);
      g.appendChild(svg('rect', { class: 'bar ' + opts.value, x: x + (slot - barW) / 2, y: top, width: barW, height: padT + plotH - top }));
    }
    if (v > 0) onActivate(g, () => opts.onPick(b));
    root.appendChild(g);
  });

  // Date labels at every k-th bin, k so that a label and a gap fit in k slots; each is
  // measured once drawn, and one that would touch its neighbour or leave the chart goes.
  box.appendChild(root);
  const guessW = Math.max(...bins.map((b) => b.label.length)) * LABEL_CHAR_PX + 12;
  const k = Math.max(1, Math.ceil(guessW / slot));
  let lastRight = -Infinity;
  for (let i = 0; i < bins.length; i += k) {
    const cx = padL + i * slot + slot / 2;
    const t = svg('text', { class: 'tick x', x: cx, y: H - 5, 'text-anchor': 'middle' }, bins[i].label);
    root.appendChild(t);
    const w = t.getBBox ? t.getBBox().width : guessW;
    const lx = Math.min(Math.max(cx, padL + w / 2), W - padR - w / 2);
    t.setAttribute('x', String(lx));
    if (lx - w / 2 < lastRight + 8) {
      t.remove();
      continue;
    }
    lastRight = lx + w / 2;
  }
}

/**
 * The timeline (events per bin) and the fatalities chart (per week or coarser) from
 * /api/stats?by=day rows. `error` replaces both with a message.
 */
export function renderTimeCharts(rows, error, selected, onPick) {
  const charts = [
    { box: $('timeline'), title: $('timeline-title'), value: 'events', minUnit: 'day', height: 110 },
    { box: $('fatalities'), title: $('fatalities-title'), value: 'fatalities', minUnit: 'week', height: 90 },
  ];
  for (const c of charts) {
    c.box.replaceChildren();
    if (error) {
      c.box.appendChild(el('div', { class: 'chart-empty error' }, 'Unavailable: ' + error));
      continue;
    }
    const unit = chooseUnit(arr(rows), chartWidth(c.box) - PAD.padL - PAD.padR, c.minUnit);
    const bins = binRows(arr(rows), unit);
    c.title.textContent = `${c.value === 'events' ? 'Events' : 'Fatalities'} per ${unit}`;
    if (!bins.length || (c.value === 'fatalities' && !bins.some((b) => b.fatalities > 0))) {
      c.box.appendChild(el('div', { class: 'chart-empty' }, c.value === 'events' ? 'No dated events.' : 'No fatalities reported.'));
      continue;
    }
    barChart(c.box, bins, { value: c.value, unit, height: c.height, selected, onPick });
  }
}

/**
 * Counts by type or by country: one row each (name, bar, events, fatalities), the
 * largest first; a click filters to it.
 */
export function renderCounts(boxId, rows, error, onPick) {
  const box = $(boxId);
  box.replaceChildren();
  if (error) {
    box.appendChild(el('div', { class: 'chart-empty error' }, 'Unavailable: ' + error));
    return;
  }
  const list = arr(rows).filter((r) => r && typeof r.key === 'string' && r.key !== '' && num(r.events) !== null);
  if (!list.length) {
    box.appendChild(el('div', { class: 'chart-empty' }, 'None.'));
    return;
  }
  const max = Math.max(...list.map((r) => r.events));
  const ol = el('ol', { class: 'counts' });
  for (const r of list.slice(0, MAX_COUNT_ROWS)) {
    const name = str(r.name) || r.key;
    const fat = num(r.fatalities) ?? 0;
    const li = el('li', { class: 'count-row', tabindex: '0', role: 'button', dataset: { key: r.key },
      title: `${name}: ${plural(r.events, 'event')}, ${plural(fat, 'fatality', 'fatalities')} (click to filter)` },
    el('span', { class: 'count-name' }, name),
    el('span', { class: 'count-bar-wrap' },
      el('span', { class: 'count-bar cat-' + categoryOf(r.key), dataset: { share: String(r.events / max) } })),
    el('span', { class: 'count-n' }, String(r.events)),
    el('span', { class: 'count-fat' }, fat ? String(fat) : ''));
    onActivate(li, () => onPick(r.key));
    ol.appendChild(li);
  }
  box.appendChild(ol);
  // widths through the CSSOM (inline style attributes are refused by the CSP)
  for (const bar of ol.querySelectorAll('.count-bar')) bar.style.width = `${Math.round(Number(bar.dataset.share) * 100)}%`;
  if (list.length > MAX_COUNT_ROWS) box.appendChild(el('div', { class: 'count-more muted' }, `and ${list.length - MAX_COUNT_ROWS} more`));
}
