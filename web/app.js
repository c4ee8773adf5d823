/* sitrep dashboard — plain JS, no build step.
 *
 * SECURITY: everything that comes from the API is derived from untrusted news
 * articles. The DOM is built with createElement + textContent only; innerHTML
 * is never used with data, and an href is only ever set to an http(s) URL.
 */
'use strict';

(function () {
  const PAGE_SIZE = 50;
  // The map shows up to this many events of the current filter (not just the
  // current page of the list).
  const MAP_LIMIT = 500;
  const HIGHLIGHT_KINDS = ['trigger', 'number', 'claimant', 'actor', 'place'];
  const DEFAULT_FILTERS = Object.freeze({
    from: '', to: '', country: '', type: 'any', status: 'current', min_fatalities: '', q: '',
  });
  const FILTER_KEYS = Object.keys(DEFAULT_FILTERS);
  const EVENT_TYPES = ['ASSAULT', 'COERCE', 'PROTEST', 'THREATEN', 'MOBILIZE', 'AGREE', 'CONSULT',
    'REQUEST', 'ACCUSE', 'REJECT', 'SANCTION', 'SUPPORT', 'COOPERATE', 'AID', 'RETREAT', 'CONCEDE'];
  const STATUSES = ['current', 'historical', 'future', 'hypothetical', 'negated', 'any'];
  const CATEGORY = {
    ASSAULT: 'violent', COERCE: 'force', THREATEN: 'force', MOBILIZE: 'force',
    PROTEST: 'protest',
    ACCUSE: 'verbal', REJECT: 'verbal', SANCTION: 'verbal',
    AGREE: 'coop', CONSULT: 'coop', REQUEST: 'coop', SUPPORT: 'coop', COOPERATE: 'coop',
    AID: 'coop', RETREAT: 'coop', CONCEDE: 'coop',
  };
  const CATEGORY_COLOR = {
    violent: '#c62828', force: '#e07b00', protest: '#7b3fa0', verbal: '#8d6e63', coop: '#1f6fb2', other: '#546e7a',
  };
  const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

  const state = {
    filters: Object.assign({}, DEFAULT_FILTERS),
    offset: 0,
    total: 0,
    items: [],
    selectedId: null,
    listSeq: 0,
    eventSeq: 0,
    timelineRows: [],
    timelineError: null,
    mapFromPage: false,
  };

  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);
  const arr = (x) => (Array.isArray(x) ? x : []);
  const str = (x) => (x === null || x === undefined ? '' : String(x));

  /** createElement with safe attributes; children are Nodes or plain text. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = str(v);
        else if (k === 'dataset') Object.assign(node.dataset, v);
        else if (/^on|^(href|src|srcdoc|action|formaction|style)$/i.test(k)) {
          throw new Error('el(): refusing unsafe attribute ' + k);
        } else node.setAttribute(k, str(v));
      }
    }
    appendAll(node, children);
    return node;
  }

  function appendAll(parent, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false || c === '') continue;
      if (Array.isArray(c)) appendAll(parent, c);
      else if (c instanceof Node) parent.appendChild(c);
      else parent.appendChild(document.createTextNode(String(c)));
    }
  }

  /** Returns a normalised http(s) URL or null. */
  function safeHttpUrl(u) {
    if (typeof u !== 'string') return null;
    const t = u.trim();
    if (!/^https?:\/\//i.test(t)) return null;
    try {
      const parsed = new URL(t);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
      return parsed.href;
    } catch (_) {
      return null;
    }
  }

  function externalLink(url, text) {
    const href = safeHttpUrl(url);
    if (!href) return el('span', null, text);
    const a = document.createElement('a');
    a.href = href; // checked above: http(s) only
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    a.referrerPolicy = 'no-referrer';
    a.textContent = str(text);
    return a;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : (many || one + 's')}`;
  }

  function categoryOf(type) {
    return CATEGORY[type] || 'other';
  }

  function typeBadge(type, mode) {
    const t = str(type) || '?';
    return el('span', { class: 'type-badge cat-' + categoryOf(type), title: mode ? `${t} (${mode})` : t }, t);
  }

  function statusBadge(status) {
    const s = str(status) || '?';
    const cls = STATUSES.includes(s) ? s : 'other';
    return el('span', { class: 'status-badge st-' + cls }, s);
  }

  function placeText(ev) {
    const parts = [ev.place, ev.admin1, ev.country].filter((x) => typeof x === 'string' && x !== '');
    // avoid "Yerevan, Yerevan, ARM"
    const dedup = parts.filter((p, i) => parts.indexOf(p) === i);
    return dedup.join(', ');
  }

  function num(x) {
    return typeof x === 'number' && Number.isFinite(x) ? x : null;
  }

  /** A single representative number for a {low,best,high} range. */
  function rangeValue(r) {
    if (!r || typeof r !== 'object') return null;
    return num(r.best) ?? num(r.high) ?? num(r.low);
  }

  function fmtRange(r) {
    if (!r || typeof r !== 'object') return '';
    const lo = num(r.low), best = num(r.best), hi = num(r.high);
    if (lo === null && best === null && hi === null) return '';
    const b = best ?? lo ?? hi;
    if ((lo === null || lo === b) && (hi === null || hi === b)) return String(b);
    return `${b} (${lo ?? '?'}–${hi ?? '?'})`;
  }

  function actorText(a) {
    if (!a || typeof a !== 'object') return '';
    const name = str(a.name) || str(a.text);
    const tags = [a.country, a.sector].filter((x) => typeof x === 'string' && x !== '');
    return tags.length ? `${name} [${tags.join(' ')}]` : name;
  }

  function jsonish(v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
    if (typeof v === 'boolean') return String(v);
    try {
      return JSON.stringify(v);
    } catch (_) {
      return String(v);
    }
  }

  // ------------------------------------------------------------------- API

  class ApiError extends Error {}

  async function api(path, params) {
    const qs = params ? params.toString() : '';
    const url = qs ? `${path}?${qs}` : path;
    let res;
    try {
      res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    } catch (err) {
      throw new ApiError('Cannot reach the server (' + (err && err.message ? err.message : 'network error') + ')');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      body = null;
    }
    if (!res.ok) {
      const msg = body && body.error && typeof body.error.message === 'string'
        ? body.error.message
        : `HTTP ${res.status} ${res.statusText || ''}`.trim();
      throw new ApiError(msg);
    }
    if (body === null || typeof body !== 'object') throw new ApiError('The server sent a response that is not JSON');
    return body;
  }

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
  }

  /** Reads and validates the form; returns {filters} or {error}. */
  function readForm() {
    const f = {
      from: $('f-from').value.trim(),
      to: $('f-to').value.trim(),
      country: $('f-country').value.trim().toUpperCase(),
      type: $('f-type').value,
      status: $('f-status').value,
      min_fatalities: $('f-min-fatalities').value.trim(),
      q: $('f-q').value.trim(),
    };
    if (f.from && !DATE_RE.test(f.from)) return { error: '“From” must be a date (YYYY-MM-DD)' };
    if (f.to && !DATE_RE.test(f.to)) return { error: '“To” must be a date (YYYY-MM-DD)' };
    if (f.from && f.to && f.from > f.to) return { error: '“From” is after “To”' };
    if (f.country && !/^[A-Z]{3}$/.test(f.country)) return { error: 'Country must be an ISO 3166-1 alpha-3 code such as ARM' };
    if (f.min_fatalities !== '' && !/^\d+$/.test(f.min_fatalities)) return { error: 'Minimum fatalities must be a whole number ≥ 0' };
    if (!EVENT_TYPES.includes(f.type)) f.type = 'any';
    if (!STATUSES.includes(f.status)) f.status = DEFAULT_FILTERS.status;
    return { filters: f };
  }

  /** Reads filters/offset/event from the page's own query string. */
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
    const event = get('event') || null;
    return { filters: f, offset, event };
  }

  function writeLocation() {
    const p = filterParams(state.filters);
    if (state.filters.status === DEFAULT_FILTERS.status) p.delete('status');
    if (state.offset) p.set('offset', String(state.offset));
    if (state.selectedId) p.set('event', state.selectedId);
    const qs = p.toString();
    const url = window.location.pathname + (qs ? '?' + qs : '');
    if (url !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, '', url);
    }
  }

  function setStatus(kind, text) {
    const s = $('status-line');
    s.dataset.state = kind;
    s.classList.toggle('error', kind === 'error');
    s.textContent = text;
  }

  // ------------------------------------------------------------ list/page

  async function refresh(opts) {
    const onlyPage = !!(opts && opts.onlyPage);
    const seq = ++state.listSeq;
    const fp = filterParams(state.filters);
    const query = fp.toString();
    setStatus('loading', 'Loading…');
    $('status-line').dataset.query = query;
    writeLocation();

    const listQ = new URLSearchParams(fp);
    listQ.set('limit', String(PAGE_SIZE));
    listQ.set('offset', String(state.offset));
    const jobs = [api('/api/events', listQ)];
    if (!onlyPage) {
      const statsQ = new URLSearchParams(fp);
      statsQ.set('by', 'day');
      jobs.push(api('/api/stats', statsQ));
    }
    const [listR, statsR] = await Promise.allSettled(jobs);
    if (seq !== state.listSeq) return; // a newer request superseded this one

    if (statsR) {
      if (statsR.status === 'fulfilled') {
        state.timelineRows = arr(statsR.value.rows);
        state.timelineError = null;
      } else {
        state.timelineRows = [];
        state.timelineError = (statsR.reason && statsR.reason.message) || 'request failed';
      }
      renderTimeline();
    }

    if (listR.status !== 'fulfilled') {
      state.items = [];
      state.total = 0;
      renderList();
      if (!onlyPage) renderMarkers([], false);
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
      renderMarkers(mapItems, true);
    } else if (state.mapFromPage) {
      renderMarkers(state.items, false);
    }
    highlightSelection();
  }

  function renderList() {
    const list = $('event-list');
    list.replaceChildren();
    if (!state.items.length) {
      list.appendChild(el('li', { class: 'empty' }, 'No events match these filters.'));
    }
    for (const ev of state.items) {
      if (!ev || typeof ev.id !== 'string') continue;
      const fat = rangeValue(ev.fatalities);
      const li = el('li', {
        class: 'event-row cat-' + categoryOf(ev.event_type),
        tabindex: '0',
        role: 'button',
        'aria-pressed': 'false',
        dataset: { id: ev.id, country: str(ev.country), type: str(ev.event_type) },
      },
      el('span', { class: 'c-date' }, str(ev.date) || '—'),
      el('span', { class: 'c-type' }, typeBadge(ev.event_type, ev.mode)),
      el('span', { class: 'c-place', title: placeText(ev) }, placeText(ev) || '—'),
      el('span', { class: 'c-fat', title: ev.fatalities ? 'fatalities: ' + fmtRange(ev.fatalities) : 'no fatality count' },
        fat === null ? '' : String(fat)),
      el('span', { class: 'c-docs', title: `${plural(num(ev.n_mentions) ?? 0, 'mention')} in ${plural(num(ev.n_documents) ?? 0, 'document')}` },
        String(num(ev.n_documents) ?? 0)),
      el('span', { class: 'c-langs' }, arr(ev.langs).map(str).join(' ')),
      el('span', { class: 'c-headline' },
        ev.has_contradictions ? el('span', { class: 'flag', title: 'contradicting claims' }, '⚠ ') : null,
        ev.status && ev.status !== 'current' ? statusBadge(ev.status) : null,
        str(ev.headline)));
      li.addEventListener('click', () => openEvent(ev.id));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          openEvent(ev.id);
        }
      });
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
    for (const [id, m] of markers) {
      const on = id === state.selectedId;
      m.setStyle({ weight: on ? 3 : 1, color: on ? '#111' : m.options.fillColor });
      if (on) m.bringToFront();
    }
  }

  // -------------------------------------------------------------------- map

  let map = null;
  let markerLayer = null;
  const markers = new Map();

  function initMap() {
    if (typeof L === 'undefined') {
      $('map').textContent = 'Map library failed to load.';
      return;
    }
    map = L.map('map', {
      worldCopyJump: true,
      minZoom: 1,
      maxZoom: 12,
      zoomSnap: 0.5,
      preferCanvas: false,
    });
    map.attributionControl.addAttribution('Borders: Natural Earth via world-atlas');
    map.setView([25, 15], 2);
    markerLayer = L.featureGroup().addTo(map);
    loadBasemap();
  }

  async function loadBasemap() {
    try {
      const res = await fetch('vendor/countries-50m.json');
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const world = await res.json();
      if (typeof topojson === 'undefined') throw new Error('topojson-client missing');
      const geo = topojson.feature(world, world.objects.countries);
      const layer = L.geoJSON(geo, {
        interactive: false,
        style: { color: '#a7afb8', weight: 0.6, fillColor: '#e2e5e9', fillOpacity: 1, className: 'country' },
      }).addTo(map);
      layer.bringToBack();
      if (markerLayer) markerLayer.bringToFront();
    } catch (err) {
      setMapNote('Basemap unavailable: ' + (err && err.message ? err.message : err));
    }
  }

  function setMapNote(text) {
    let note = document.querySelector('#map .map-note');
    if (!note) {
      note = el('div', { class: 'map-note' });
      $('map').appendChild(note);
    }
    note.textContent = text;
  }

  function markerTooltip(ev) {
    const fat = fmtRange(ev.fatalities);
    return el('div', { class: 'tip' },
      el('div', { class: 'tip-head' }, `${str(ev.date) || 'undated'} · ${str(ev.event_type)}`, fat ? ` · ${fat} killed` : ''),
      el('div', { class: 'tip-place' }, placeText(ev)),
      el('div', { class: 'tip-text' }, truncate(str(ev.headline), 160)));
  }

  function truncate(s, n) {
    const cps = Array.from(s);
    return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : s;
  }

  function renderMarkers(items, fit) {
    if (!map) return;
    markerLayer.clearLayers();
    markers.clear();
    const withPos = arr(items).filter((ev) => ev && typeof ev.id === 'string'
      && num(ev.lat) !== null && num(ev.lon) !== null
      && Math.abs(ev.lat) <= 90 && Math.abs(ev.lon) <= 180);
    const radius = (ev) => 4 + Math.min(20, 1.8 * Math.sqrt(Math.max(0, rangeValue(ev.fatalities) || 0)));
    // big circles first so that small ones stay clickable on top
    withPos.sort((a, b) => radius(b) - radius(a));
    for (const ev of withPos) {
      const color = CATEGORY_COLOR[categoryOf(ev.event_type)];
      const m = L.circleMarker([ev.lat, ev.lon], {
        radius: radius(ev),
        className: 'event-marker',
        color,
        weight: 1,
        fillColor: color,
        fillOpacity: 0.5,
      });
      m.bindTooltip(markerTooltip(ev), { direction: 'top', offset: [0, -4], opacity: 0.95 });
      m.on('click', () => openEvent(ev.id));
      m.addTo(markerLayer);
      markers.set(ev.id, m);
    }
    if (fit) {
      if (withPos.length) {
        const b = L.latLngBounds(withPos.map((ev) => [ev.lat, ev.lon]));
        map.fitBounds(b.pad(0.4), { maxZoom: 6, animate: false });
      } else {
        map.setView([25, 15], 2, { animate: false });
      }
    }
    highlightSelection();
  }

  // --------------------------------------------------------------- timeline

  const SVG_NS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...children) {
    const n = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (/^on|href/i.test(k)) throw new Error('svg(): refusing attribute ' + k);
      n.setAttribute(k, str(v));
    }
    for (const c of children) {
      if (c instanceof Node) n.appendChild(c);
      else if (c !== null && c !== undefined) n.appendChild(document.createTextNode(String(c)));
    }
    return n;
  }

  function dayNumber(key) {
    return Math.round(Date.UTC(+key.slice(0, 4), +key.slice(5, 7) - 1, +key.slice(8, 10)) / 86400000);
  }

  function renderTimeline() {
    const box = $('timeline');
    box.replaceChildren();
    if (state.timelineError) {
      box.appendChild(el('div', { class: 'timeline-empty error' }, 'Timeline unavailable: ' + state.timelineError));
      return;
    }
    const rows = state.timelineRows
      .filter((r) => r && typeof r.key === 'string' && DATE_RE.test(r.key) && num(r.events) !== null && r.events > 0)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (!rows.length) {
      box.appendChild(el('div', { class: 'timeline-empty' }, 'No dated events.'));
      return;
    }
    const W = Math.max(240, box.clientWidth || 600);
    const H = 120;
    const padL = 34, padR = 10, padT = 10, padB = 22;
    const plotW = W - padL - padR, plotH = H - padT - padB;
    const d0 = dayNumber(rows[0].key);
    const d1 = dayNumber(rows[rows.length - 1].key);
    const continuous = d1 - d0 + 1 <= 4000;
    const slots = continuous ? d1 - d0 + 1 : rows.length;
    const slot = plotW / slots;
    const barW = slot >= 3 ? Math.min(36, slot * 0.8) : Math.max(1, slot);
    const maxEvents = Math.max(...rows.map((r) => r.events));
    const y = (v) => padT + plotH - (v / maxEvents) * plotH;
    const xOf = (r, i) => padL + (continuous ? dayNumber(r.key) - d0 : i) * slot;

    const root = svg('svg', {
      viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
      'aria-label': `Events per day, ${rows[0].key} to ${rows[rows.length - 1].key}`,
    });
    // axes
    root.appendChild(svg('line', { class: 'axis', x1: padL, y1: padT + plotH + 0.5, x2: W - padR, y2: padT + plotH + 0.5 }));
    root.appendChild(svg('line', { class: 'axis', x1: padL - 0.5, y1: padT, x2: padL - 0.5, y2: padT + plotH }));
    root.appendChild(svg('text', { class: 'tick', x: padL - 4, y: padT + 8, 'text-anchor': 'end' }, String(maxEvents)));
    root.appendChild(svg('text', { class: 'tick', x: padL - 4, y: padT + plotH, 'text-anchor': 'end' }, '0'));

    const selectedDay = state.filters.from && state.filters.from === state.filters.to ? state.filters.from : null;
    rows.forEach((r, i) => {
      const x = xOf(r, i);
      const top = Math.min(y(r.events), padT + plotH - 1);
      const title = `${r.key}: ${plural(r.events, 'event')}` + (num(r.fatalities) !== null ? `, ${r.fatalities} fatalities` : '');
      const g = svg('g', { class: 'bar-group' + (r.key === selectedDay ? ' selected' : ''), 'data-day': r.key, tabindex: '0', role: 'button', 'aria-label': title },
        svg('title', null, title),
        // a full-height transparent hit area so that thin bars stay clickable
        svg('rect', { class: 'hit', x: x, y: padT, width: Math.max(slot, 1), height: plotH }),
        svg('rect', { class: 'bar', 'data-day': r.key, x: x + (slot - barW) / 2, y: top, width: barW, height: padT + plotH - top }));
      g.addEventListener('click', () => selectDay(r.key));
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          selectDay(r.key);
        }
      });
      root.appendChild(g);
    });

    // x labels: first, last and a few in between (by position)
    const nLabels = Math.max(2, Math.min(6, Math.floor(plotW / 110)));
    const labelled = new Set();
    for (let k = 0; k < nLabels; k++) {
      const i = Math.round((k * (rows.length - 1)) / Math.max(1, nLabels - 1));
      if (labelled.has(i)) continue;
      labelled.add(i);
      const r = rows[i];
      const cx = xOf(r, i) + slot / 2;
      const anchor = k === 0 ? 'start' : k === nLabels - 1 ? 'end' : 'middle';
      const lx = anchor === 'start' ? Math.max(padL, cx - 4) : anchor === 'end' ? Math.min(W - padR, cx + 4) : cx;
      root.appendChild(svg('text', { class: 'tick', x: lx, y: H - 6, 'text-anchor': anchor }, r.key));
    }
    box.appendChild(root);
  }

  function selectDay(day) {
    state.filters.from = day;
    state.filters.to = day;
    state.offset = 0;
    writeForm(state.filters);
    refresh();
  }

  // ------------------------------------------------------------ event view

  async function openEvent(id) {
    if (typeof id !== 'string' || !id) return;
    state.selectedId = id;
    highlightSelection();
    writeLocation();
    const seq = ++state.eventSeq;
    const view = $('event-view');
    const body = $('event-body');
    view.hidden = false;
    view.dataset.id = id;
    view.dataset.state = 'loading';
    body.replaceChildren(el('p', { class: 'muted' }, 'Loading event…'));
    try {
      const ev = await api('/api/events/' + encodeURIComponent(id));
      if (seq !== state.eventSeq) return;
      body.replaceChildren(renderEvent(ev));
      view.dataset.state = 'ready';
    } catch (err) {
      if (seq !== state.eventSeq) return;
      body.replaceChildren(el('p', { class: 'error' }, err && err.message ? err.message : 'Could not load the event'));
      view.dataset.state = 'error';
    }
    view.scrollTop = 0;
    view.focus({ preventScroll: true });
  }

  function closeEvent() {
    state.eventSeq++;
    state.selectedId = null;
    const view = $('event-view');
    view.hidden = true;
    delete view.dataset.id;
    $('event-body').replaceChildren();
    highlightSelection();
    writeLocation();
  }

  function fact(label, ...value) {
    return [el('dt', null, label), el('dd', null, ...value)];
  }

  function actorChips(list) {
    const a = arr(list).map(actorText).filter(Boolean);
    if (!a.length) return el('span', { class: 'muted' }, '—');
    return a.map((t) => el('span', { class: 'chip' }, t));
  }

  function renderEvent(ev) {
    const frag = document.createDocumentFragment();
    const contradictions = arr(ev.contradictions);

    frag.appendChild(el('div', { class: 'ev-kicker' },
      typeBadge(ev.event_type, ev.mode),
      ev.mode ? el('span', { class: 'mode' }, str(ev.mode)) : null,
      statusBadge(ev.status),
      contradictions.length || ev.has_contradictions
        ? el('span', { class: 'flag-badge' }, '⚠ contradicting claims') : null));
    frag.appendChild(el('h2', { class: 'ev-headline', dir: 'auto' }, str(ev.headline) || '(no headline)'));

    const acled = ev.acled && typeof ev.acled === 'object'
      ? [ev.acled.event_type, ev.acled.sub_event_type].filter(Boolean).map(str).join(' / ')
      : '';
    const coords = num(ev.lat) !== null && num(ev.lon) !== null ? ` (${ev.lat.toFixed(3)}, ${ev.lon.toFixed(3)})` : '';
    const date = str(ev.date) ? str(ev.date) + (ev.date_precision && ev.date_precision !== 'day' ? ` (${ev.date_precision} precision)` : '') : 'undated';
    const sources = `${plural(num(ev.n_mentions) ?? arr(ev.mentions).length, 'mention')} in ${plural(num(ev.n_documents) ?? 0, 'document')}`
      + (arr(ev.langs).length ? ` · ${arr(ev.langs).map(str).join(', ')}` : '');
    frag.appendChild(el('dl', { class: 'facts' },
      fact('Type', `${str(ev.event_type)}${ev.mode ? ' (' + str(ev.mode) + ')' : ''}`),
      fact('ACLED type', acled || el('span', { class: 'muted' }, '—')),
      fact('Status', str(ev.status) || '—'),
      fact('Date', date),
      fact('Place', (placeText(ev) || '—') + coords),
      fact('Actors', actorChips(ev.actors)),
      fact('Recipients', actorChips(ev.recipients)),
      fact('Fatalities', fmtRange(ev.fatalities) || el('span', { class: 'muted' }, '—')),
      fact('Injured', fmtRange(ev.injured) || el('span', { class: 'muted' }, '—')),
      fact('Sources', sources)));

    // contradictions
    if (contradictions.length) {
      const ul = el('ul', { class: 'contradictions' });
      for (const c of contradictions) {
        if (!c || typeof c !== 'object') continue;
        ul.appendChild(el('li', { class: 'contradiction' },
          el('span', { class: 'c-icon', 'aria-hidden': 'true' }, '⚠'),
          el('div', null,
            el('div', { class: 'c-kind' }, str(c.kind).replace(/_/g, ' ') || 'contradiction',
              c.scope ? el('span', { class: 'c-scope' }, str(c.scope)) : null),
            el('div', { class: 'c-expl', dir: 'auto' }, str(c.explanation)))));
      }
      frag.appendChild(el('section', { class: 'ev-section' }, el('h3', null, 'Contradictions'), ul));
    }

    // tolls
    const tollSec = el('section', { class: 'ev-section tolls' }, el('h3', null, 'Tolls'));
    const tolls = arr(ev.tolls);
    if (!tolls.length) tollSec.appendChild(el('p', { class: 'muted' }, 'No casualty claims.'));
    for (const t of tolls) {
      if (!t || typeof t !== 'object') continue;
      const claims = arr(t.claims).filter((c) => c && typeof c === 'object');
      const labels = new Set(claims.map(claimLabel));
      const disputed = labels.size > 1;
      const victims = t.victims && typeof t.victims === 'object' ? t.victims : {};
      const vtags = [victims.country, victims.sector].filter(Boolean).map(str).join(' ');
      const group = el('div', { class: 'toll' + (disputed ? ' disputed' : '') },
        el('h4', null,
          el('span', { class: 'toll-kind' }, str(t.kind) || 'casualties'),
          ' — ',
          el('span', { dir: 'auto' }, str(victims.text) || 'unspecified victims'),
          vtags ? el('span', { class: 'tags' }, vtags) : null,
          disputed ? el('span', { class: 'flag-badge small' }, '⚠ competing claims') : null));
      const row = el('div', { class: 'claims' });
      for (const c of claims) {
        const who = c.claimant
          ? el('div', { class: 'claimant', dir: 'auto' }, str(c.claimant))
          : el('div', { class: 'claimant own-voice' }, 'article’s own voice');
        const ctags = [c.claimant_country, c.claimant_sector].filter(Boolean).map(str).join(' ');
        const docs = num(c.documents);
        row.appendChild(el('div', { class: 'claim' },
          who,
          ctags ? el('div', { class: 'tags' }, ctags) : null,
          el('div', { class: 'claim-count', title: str(c.qualifier) }, claimLabel(c)),
          el('div', { class: 'claim-docs' }, docs === null ? '' : plural(docs, 'document'))));
      }
      if (!claims.length) row.appendChild(el('p', { class: 'muted' }, 'No claims.'));
      group.appendChild(row);
      tollSec.appendChild(group);
    }
    const summary = arr(ev.summary).filter((s) => typeof s === 'string' && s);
    if (summary.length) {
      tollSec.appendChild(el('ul', { class: 'summary' }, summary.map((s) => el('li', null, s))));
    }
    frag.appendChild(tollSec);

    // evidence
    const mentions = arr(ev.mentions).filter((m) => m && typeof m === 'object');
    const evSec = el('section', { class: 'ev-section' },
      el('h3', null, `Evidence (${mentions.length})`),
      legend());
    for (const m of mentions) evSec.appendChild(renderMention(m));
    if (!mentions.length) evSec.appendChild(el('p', { class: 'muted' }, 'No mentions.'));
    frag.appendChild(evSec);
    return frag;
  }

  function legend() {
    return el('div', { class: 'legend', 'aria-hidden': 'true' }, HIGHLIGHT_KINDS.map((k) => el('span', { class: 'lg lg-' + k }, k)));
  }

  /** Human label for a claim, e.g. "≥49". Prefers the server's label. */
  function claimLabel(c) {
    if (typeof c.label === 'string' && c.label) return c.label;
    const count = num(c.count), lo = num(c.low), hi = num(c.high);
    const q = str(c.qualifier);
    if (lo !== null && hi !== null && lo !== hi) return `${lo}–${hi}`;
    const n = count ?? lo ?? hi;
    if (n === null) return q ? q.replace(/_/g, ' ') : '?';
    const prefix = { at_least: '≥', more_than: '>', at_most: '≤', less_than: '<', about: '~', approximately: '~' }[q] || '';
    return prefix + n;
  }

  function renderMention(m) {
    const doc = m.document && typeof m.document === 'object' ? m.document : {};
    const title = str(doc.title) || str(doc.url) || str(doc.id) || 'untitled document';
    const docMeta = [doc.source, doc.published, doc.lang].filter(Boolean).map(str).join(' · ');
    const evidence = m.evidence && typeof m.evidence === 'object' ? m.evidence : {};
    const text = str(evidence.text);
    const lang = typeof doc.lang === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(doc.lang) ? doc.lang : null;

    const sentence = el('blockquote', { class: 'sentence', dir: 'auto', lang });
    sentence.appendChild(highlight(text, m.highlights, m.trigger, evidence));

    const casualties = arr(m.casualties).filter((c) => c && typeof c === 'object')
      .map((c) => `${str(c.kind)} ${str(c.label) || claimLabel(c)}`.trim());
    const meta = [str(m.event_type), str(m.status), str(m.date)].filter(Boolean).join(' · ');
    const reasons = m.reasons && typeof m.reasons === 'object' && !Array.isArray(m.reasons)
      ? Object.entries(m.reasons).map(([k, v]) => `${k}=${jsonish(v)}`) : [];
    const score = num(m.score);

    return el('div', { class: 'evidence', dataset: { mention: str(m.id) } },
      el('div', { class: 'doc' },
        el('span', { class: 'doc-title', dir: 'auto' }, externalLink(doc.url, title)),
        docMeta ? el('span', { class: 'doc-meta' }, docMeta) : null),
      sentence,
      el('div', { class: 'mention-meta' },
        meta,
        m.claimant ? el('span', null, ' · claimant: ', el('span', { dir: 'auto' }, str(m.claimant))) : null,
        casualties.length ? ` · ${casualties.join(', ')}` : ''),
      el('div', { class: 'merge' },
        el('span', { class: 'merge-label' }, 'merge reasons: '),
        score === null ? 'score=—' : `score=${jsonish(score)}`,
        reasons.length ? ' · ' + reasons.join(' · ') : ''));
  }

  /**
   * Wraps highlight ranges of `text` in <mark class=KIND>. Offsets are Unicode
   * code points relative to the evidence text. Out-of-range offsets are
   * clamped; a range overlapping one already placed is skipped (triggers are
   * placed first, then numbers, claimants, actors, places).
   */
  function highlight(text, highlights, trigger, evidence) {
    const cps = Array.from(text);
    const n = cps.length;
    const cand = [];
    for (const h of arr(highlights)) {
      if (!h || typeof h !== 'object') continue;
      let s = Number(h.start), e = Number(h.end);
      if (!Number.isFinite(s) || !Number.isFinite(e)) continue;
      s = Math.min(n, Math.max(0, Math.trunc(s)));
      e = Math.min(n, Math.max(0, Math.trunc(e)));
      if (e <= s) continue;
      cand.push({ s, e, kind: HIGHLIGHT_KINDS.includes(h.kind) ? h.kind : 'other' });
    }
    if (!cand.some((r) => r.kind === 'trigger')) {
      const t = locateTrigger(cps, text, trigger, evidence);
      if (t) cand.push(t);
    }
    const prio = (k) => {
      const i = HIGHLIGHT_KINDS.indexOf(k);
      return i < 0 ? HIGHLIGHT_KINDS.length : i;
    };
    cand.sort((a, b) => prio(a.kind) - prio(b.kind) || a.s - b.s || (b.e - b.s) - (a.e - a.s));
    const placed = [];
    for (const r of cand) {
      if (placed.some((p) => r.s < p.e && p.s < r.e)) continue; // overlap: skip
      placed.push(r);
    }
    placed.sort((a, b) => a.s - b.s);

    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const r of placed) {
      if (r.s > pos) frag.appendChild(document.createTextNode(cps.slice(pos, r.s).join('')));
      const mark = document.createElement('mark');
      mark.className = r.kind;
      mark.title = r.kind;
      mark.textContent = cps.slice(r.s, r.e).join('');
      frag.appendChild(mark);
      pos = r.e;
    }
    if (pos < n) frag.appendChild(document.createTextNode(cps.slice(pos).join('')));
    return frag;
  }

  /** Fallback when the server sent no trigger highlight: place it only where its text matches. */
  function locateTrigger(cps, text, trigger, evidence) {
    if (!trigger || typeof trigger !== 'object' || typeof trigger.text !== 'string' || !trigger.text) return null;
    const want = trigger.text;
    const ts = num(trigger.start), te = num(trigger.end), es = num(evidence && evidence.start);
    if (ts !== null && te !== null && es !== null) {
      const s = ts - es, e = te - es;
      if (s >= 0 && e <= cps.length && e > s && cps.slice(s, e).join('') === want) return { s, e, kind: 'trigger' };
    }
    const idx = text.indexOf(want);
    if (idx < 0) return null;
    const s = Array.from(text.slice(0, idx)).length;
    return { s, e: s + Array.from(want).length, kind: 'trigger' };
  }

  // ------------------------------------------------------------------ wiring

  function applyForm() {
    const r = readForm();
    if (r.error) {
      setStatus('error', r.error);
      return;
    }
    state.filters = r.filters;
    state.offset = 0;
    refresh();
  }

  function init() {
    const loc = readLocation();
    state.filters = loc.filters;
    state.offset = loc.offset - (loc.offset % PAGE_SIZE);
    writeForm(state.filters);

    $('filters').addEventListener('submit', (e) => {
      e.preventDefault();
      applyForm();
    });
    $('reset').addEventListener('click', () => {
      state.filters = Object.assign({}, DEFAULT_FILTERS);
      state.offset = 0;
      writeForm(state.filters);
      closeEvent();
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
    $('close-event').addEventListener('click', closeEvent);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !$('event-view').hidden) closeEvent();
    });
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        renderTimeline();
        if (map) map.invalidateSize();
      }, 150);
    });

    initMap();
    refresh();
    if (loc.event) openEvent(loc.event);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
