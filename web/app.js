/* sitrep dashboard — plain JS modules, no build step. This one holds the state, the
 * filters (mirrored in the page's query string), the event list and the wiring; the
 * map, the charts and the event and article views have a module each.
 *
 * SECURITY: see dom.js. Data from the API only ever reaches the DOM as text.
 */
import { $, arr, el, str, num, plural, onActivate, api, rangeValue, fmtRange, placeText, typeBadge, statusBadge, categoryOf,
  EVENT_TYPES, STATUSES, DATE_RE } from './dom.js';
import { initMap, renderMarkers, highlightMarker, focusEvent, invalidateSize } from './map.js';
import { renderTimeCharts, renderCounts } from './charts.js';
import { renderEvent, renderDocument } from './event.js';
import { startAlerts } from './alerts.js';

const PAGE_SIZE = 50;
// The map shows up to this many events of the current filter (not just the current
// page of the list).
const MAP_LIMIT = 500;
const DEFAULT_FILTERS = Object.freeze({
  from: '', to: '', country: '', type: 'any', status: 'current', min_fatalities: '', q: '',
});

const state = {
  filters: Object.assign({}, DEFAULT_FILTERS),
  offset: 0,
  total: 0,
  items: [],
  selectedId: null,
  view: null, // null | {kind: 'event', id} | {kind: 'doc', id, start, end}
  listSeq: 0,
  viewSeq: 0,
  dayRows: [],
  dayError: null,
  mapFromPage: false,
  countryNames: new Map(),
};

/** Filter query parameters shared by /api/events and /api/stats. */
function filterParams(f) {
  const p = new URLSearchParams();
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.country) p.set('country', f.country);
  if (f.type && f.type !== 'any') p.set('type', f.type);
  if (f.status) p.set('status', f.status); // "any" is sent explicitly
  if (f.min_fatalities !== '') p.set('min_fatalities', f.min_fatalities);
  if (f.q) p.set('q', f.q);
  return p;
}

// ---------------------------------------------------------- filters/form

function writeForm(f) {
  $('f-from').value = f.from;
  $('f-to').value = f.to;
  $('f-country').value = f.country;
  $('f-type').value = f.type;
  $('f-status').value = f.status;
  $('f-min-fatalities').value = f.min_fatalities;
  $('f-q').value = f.q;
  $('f-country').title = state.countryNames.get(f.country) || '';
}

/** A typed country: an ISO3 code, or a country name known to the store. */
function countryCode(typed) {
  const t = typed.trim();
  if (!t) return '';
  if (/^[A-Za-z]{3}$/.test(t)) return t.toUpperCase();
  const want = t.toLowerCase();
  for (const [code, name] of state.countryNames) if (name.toLowerCase() === want) return code;
  return null;
}

/** Reads and validates the form; returns {filters} or {error}. */
function readForm() {
  const f = {
    from: $('f-from').value.trim(),
    to: $('f-to').value.trim(),
    country: countryCode($('f-country').value),
    type: $('f-type').value,
    status: $('f-status').value,
    min_fatalities: $('f-min-fatalities').value.trim(),
    q: $('f-q').value.trim(),
  };
  if (f.from && !DATE_RE.test(f.from)) return { error: '“From” must be a date written YYYY-MM-DD, such as 2022-09-13' };
  if (f.to && !DATE_RE.test(f.to)) return { error: '“To” must be a date written YYYY-MM-DD, such as 2022-09-13' };
  if (f.from && f.to && f.from > f.to) return { error: '“From” is after “To”' };
  if (f.country === null) return { error: 'Country: an ISO 3166-1 alpha-3 code such as ARM, or a country name from the list' };
  if (f.min_fatalities !== '' && !/^\d+$/.test(f.min_fatalities)) return { error: 'Minimum fatalities must be a whole number ≥ 0' };
  if (!EVENT_TYPES.includes(f.type)) f.type = 'any';
  if (!STATUSES.includes(f.status)) f.status = DEFAULT_FILTERS.status;
  return { filters: f };
}

/** Reads filters, offset and the open view from the page's own query string. */
function readLocation() {
  const p = new URLSearchParams(window.location.search);
  const f = Object.assign({}, DEFAULT_FILTERS);
  const get = (k) => (p.get(k) || '').trim();
  if (DATE_RE.test(get('from'))) f.from = get('from');
  if (DATE_RE.test(get('to'))) f.to = get('to');
  if (/^[A-Za-z]{3}$/.test(get('country'))) f.country = get('country').toUpperCase();
  if (EVENT_TYPES.includes(get('type'))) f.type = get('type');
  if (STATUSES.includes(get('status'))) f.status = get('status');
  if (/^\d+$/.test(get('min_fatalities'))) f.min_fatalities = get('min_fatalities');
  f.q = get('q');
  const offset = /^\d+$/.test(get('offset')) ? parseInt(get('offset'), 10) : 0;
  let view = null;
  if (get('doc')) view = docView(p);
  else if (get('event')) view = { kind: 'event', id: get('event') };
  return { filters: f, offset, view };
}

/** The article view named by query parameters `doc`, `start`, `end` (code points). */
function docView(p) {
  const int = (k) => (/^\d+$/.test((p.get(k) || '').trim()) ? parseInt(p.get(k), 10) : null);
  return { kind: 'doc', id: (p.get('doc') || '').trim(), start: int('start'), end: int('end') };
}

function writeLocation() {
  const p = filterParams(state.filters);
  if (state.filters.status === DEFAULT_FILTERS.status) p.delete('status');
  if (state.offset) p.set('offset', String(state.offset));
  const v = state.view;
  if (v && v.kind === 'event') p.set('event', v.id);
  if (v && v.kind === 'doc') {
    p.set('doc', v.id);
    if (v.start !== null && v.end !== null) {
      p.set('start', String(v.start));
      p.set('end', String(v.end));
    }
  }
  const qs = p.toString();
  const url = window.location.pathname + (qs ? '?' + qs : '');
  if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
}

function setStatus(kind, text) {
  const s = $('status-line');
  s.dataset.state = kind;
  s.classList.toggle('error', kind === 'error');
  s.textContent = text;
}

function applyFilters(change) {
  Object.assign(state.filters, change);
  state.offset = 0;
  writeForm(state.filters);
  refresh();
}

// ------------------------------------------------------------ list/page

async function refresh(opts) {
  const onlyPage = !!(opts && opts.onlyPage);
  const seq = ++state.listSeq;
  const fp = filterParams(state.filters);
  if (!(opts && opts.live)) setStatus('loading', 'Loading…');
  $('status-line').dataset.query = fp.toString();
  writeLocation();

  const listQ = new URLSearchParams(fp);
  listQ.set('limit', String(PAGE_SIZE));
  listQ.set('offset', String(state.offset));
  const stat = (by) => {
    const q = new URLSearchParams(fp);
    q.set('by', by);
    return api('/api/stats', q);
  };
  const jobs = [api('/api/events', listQ)];
  if (!onlyPage) jobs.push(stat('day'), stat('type'), stat('country'));
  const [listR, dayR, typeR, countryR] = await Promise.allSettled(jobs);
  if (seq !== state.listSeq) return; // a newer request superseded this one

  if (!onlyPage) {
    const rowsOf = (r) => (r.status === 'fulfilled' ? arr(r.value.rows) : []);
    const errOf = (r) => (r.status === 'fulfilled' ? null : (r.reason && r.reason.message) || 'request failed');
    state.dayRows = rowsOf(dayR);
    state.dayError = errOf(dayR);
    renderCharts();
    renderCounts('by-type', rowsOf(typeR), errOf(typeR), (type) => applyFilters({ type }));
    const countries = rowsOf(countryR);
    learnCountryNames(countries);
    renderCounts('by-country', countries, errOf(countryR), (country) => applyFilters({ country }));
  }

  if (listR.status !== 'fulfilled') {
    state.items = [];
    state.total = 0;
    renderList();
    if (!onlyPage) renderMarkers([], false, state.selectedId);
    setStatus('error', listR.reason && listR.reason.message ? listR.reason.message : 'Request failed');
    return;
  }

  const page = listR.value;
  state.items = arr(page.items);
  state.total = num(page.total) ?? state.items.length;
  renderList();
  const shown = state.items.length;
  const range = shown ? ` · showing ${state.offset + 1}–${state.offset + shown}` : '';
  $('status-line').dataset.total = String(state.total);
  setStatus('ready', `${plural(state.total, 'event')}${range}`);

  if (!onlyPage) {
    // Map: all events of the filter (up to MAP_LIMIT), not only this page.
    let mapItems = state.items;
    state.mapFromPage = true;
    if (state.total > shown || state.offset > 0) {
      const mapQ = new URLSearchParams(fp);
      mapQ.set('limit', String(MAP_LIMIT));
      mapQ.set('offset', '0');
      try {
        const m = await api('/api/events', mapQ);
        if (seq !== state.listSeq) return;
        mapItems = arr(m.items);
        state.mapFromPage = false;
      } catch (_) {
        // keep the current page's events on the map
      }
    }
    // A live reload keeps the user's view of the map.
    renderMarkers(mapItems, !(opts && opts.live), state.selectedId);
  } else if (state.mapFromPage) {
    renderMarkers(state.items, false, state.selectedId);
  }
  highlightSelection();
}

function renderCharts() {
  const f = state.filters;
  renderTimeCharts(state.dayRows, state.dayError, { from: f.from, to: f.to },
    (bin) => applyFilters({ from: bin.start, to: bin.end }));
}

/** Country names from /api/stats?by=country rows, for the country box's list. */
function learnCountryNames(rows) {
  let added = false;
  for (const r of rows) {
    if (r && typeof r.key === 'string' && /^[A-Z]{3}$/.test(r.key) && typeof r.name === 'string' && r.name
      && !state.countryNames.has(r.key)) {
      state.countryNames.set(r.key, r.name);
      added = true;
    }
  }
  if (!added) return;
  const list = $('country-names');
  list.replaceChildren(...[...state.countryNames].sort((a, b) => a[1].localeCompare(b[1]))
    .map(([code, name]) => el('option', { value: code, label: name })));
  $('f-country').title = state.countryNames.get(state.filters.country) || '';
}

function renderList() {
  const list = $('event-list');
  list.replaceChildren();
  if (!state.items.length) list.appendChild(el('li', { class: 'empty' }, 'No events match these filters.'));
  for (const ev of state.items) {
    if (!ev || typeof ev.id !== 'string') continue;
    const fat = rangeValue(ev.fatalities);
    const place = placeText(ev);
    const li = el('li', {
      class: 'event-row cat-' + categoryOf(ev.event_type),
      tabindex: '0',
      role: 'button',
      'aria-pressed': 'false',
      dataset: { id: ev.id, country: str(ev.country), type: str(ev.event_type) },
    },
    el('span', { class: 'c-date' }, str(ev.date) || '—'),
    el('span', { class: 'c-type' }, typeBadge(ev.event_type, ev.mode)),
    el('span', { class: 'c-place', title: place, dir: 'auto' }, place || '—'),
    el('span', { class: 'c-fat', title: ev.fatalities ? 'fatalities: ' + fmtRange(ev.fatalities) : 'no fatality count' },
      fat === null ? '' : String(fat)),
    el('span', { class: 'c-docs', title: `${plural(num(ev.n_mentions) ?? 0, 'mention')} in ${plural(num(ev.n_documents) ?? 0, 'document')}` },
      String(num(ev.n_documents) ?? 0)),
    el('span', { class: 'c-langs' }, arr(ev.langs).map(str).join(' ')),
    el('span', { class: 'c-headline', dir: 'auto' },
      ev.has_contradictions ? el('span', { class: 'flag', title: 'contradicting claims' }, '⚠ ') : null,
      ev.status && ev.status !== 'current' ? statusBadge(ev.status) : null,
      str(ev.headline)));
    onActivate(li, () => openEvent(ev.id));
    list.appendChild(li);
  }
  list.scrollTop = 0;
  const pages = Math.max(1, Math.ceil(state.total / PAGE_SIZE));
  const pageNo = Math.floor(state.offset / PAGE_SIZE) + 1;
  $('page-info').textContent = state.total ? `Page ${pageNo} / ${pages}` : '';
  $('prev').disabled = state.offset <= 0;
  $('next').disabled = state.offset + PAGE_SIZE >= state.total;
}

function highlightSelection() {
  for (const li of $('event-list').querySelectorAll('li.event-row')) {
    const on = li.dataset.id === state.selectedId;
    li.classList.toggle('selected', on);
    li.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
  highlightMarker(state.selectedId);
}

// ----------------------------------------------------- event and article views

/** Shows a view in the right-hand panel: loads it, then renders it (or the error). */
async function showView(view, load, render, what) {
  state.view = view;
  writeLocation();
  const seq = ++state.viewSeq;
  const panel = $('event-view');
  const body = $('event-body');
  panel.hidden = false;
  panel.dataset.kind = view.kind;
  panel.dataset.id = view.id;
  panel.dataset.state = 'loading';
  body.replaceChildren(el('p', { class: 'muted' }, `Loading ${what}…`));
  try {
    const data = await load();
    if (seq !== state.viewSeq) return;
    body.replaceChildren(render(data));
    panel.dataset.state = 'ready';
    if (view.kind === 'doc') {
      const mark = body.querySelector('mark.evidence');
      if (mark) mark.scrollIntoView({ block: 'center' });
    } else {
      panel.scrollTop = 0;
    }
  } catch (err) {
    if (seq !== state.viewSeq) return;
    body.replaceChildren(el('p', { class: 'error' }, err && err.message ? err.message : `Could not load the ${what}`));
    panel.dataset.state = 'error';
  }
  panel.focus({ preventScroll: true });
}

function openEvent(id) {
  if (typeof id !== 'string' || !id) return;
  state.selectedId = id;
  highlightSelection();
  const listed = state.items.find((ev) => ev && ev.id === id);
  if (listed) focusEvent(listed);
  $('close-event').textContent = '← Back to list';
  showView({ kind: 'event', id }, () => api('/api/events/' + encodeURIComponent(id)), (ev) => {
    if (!listed) focusEvent(ev);
    return renderEvent(ev);
  }, 'event');
}

function openDocument(view) {
  const back = state.selectedId;
  $('close-event').textContent = back ? '← Back to event' : '← Back to list';
  showView(view, () => api('/api/documents/' + encodeURIComponent(view.id)),
    (doc) => renderDocument(doc, view.start, view.end), 'article');
}

function closeView() {
  if (state.view && state.view.kind === 'doc' && state.selectedId) {
    openEvent(state.selectedId);
    return;
  }
  state.viewSeq++;
  state.selectedId = null;
  state.view = null;
  const panel = $('event-view');
  panel.hidden = true;
  delete panel.dataset.id;
  delete panel.dataset.kind;
  $('event-body').replaceChildren();
  highlightSelection();
  writeLocation();
}

/** Article links in evidence cards open the article view in place (they also work as plain links). */
function onArticleLink(e) {
  const a = e.target.closest && e.target.closest('a.article-link');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  openDocument(docView(new URL(a.href).searchParams));
}

// ------------------------------------------------------------------ wiring

function init() {
  const loc = readLocation();
  state.filters = loc.filters;
  state.offset = loc.offset - (loc.offset % PAGE_SIZE);
  writeForm(state.filters);

  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    const r = readForm();
    if (r.error) {
      setStatus('error', r.error);
      return;
    }
    state.filters = r.filters;
    state.offset = 0;
    writeForm(state.filters);
    refresh();
  });
  $('reset').addEventListener('click', () => {
    state.filters = Object.assign({}, DEFAULT_FILTERS);
    state.offset = 0;
    writeForm(state.filters);
    state.selectedId = null;
    closeView();
    refresh();
  });
  $('prev').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    refresh({ onlyPage: true });
  });
  $('next').addEventListener('click', () => {
    if (state.offset + PAGE_SIZE < state.total) state.offset += PAGE_SIZE;
    refresh({ onlyPage: true });
  });
  $('close-event').addEventListener('click', closeView);
  $('event-body').addEventListener('click', onArticleLink);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('event-view').hidden) closeView();
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      renderCharts();
      invalidateSize();
    }, 150);
  });

  initMap(openEvent);
  refresh();
  // While `sitrep watch` adds articles, reload what is shown (filters, page and the open
  // view stay).
  startAlerts(() => refresh({ live: true }), openEvent);
  if (loc.view && loc.view.kind === 'event') openEvent(loc.view.id);
  if (loc.view && loc.view.kind === 'doc') openDocument(loc.view);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
