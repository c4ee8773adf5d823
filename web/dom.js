/* sitrep dashboard — safe DOM building, formatting and the API client.
 *
 * SECURITY: everything that comes from the API is derived from untrusted news
 * articles. The DOM is built with createElement + textContent only; innerHTML
 * is never used with data, and an href is only ever set to an http(s) URL or to
 * a same-origin dashboard link built here.
 */

export const $ = (id) => document.getElementById(id);
export const arr = (x) => (Array.isArray(x) ? x : []);
export const str = (x) => (x === null || x === undefined ? '' : String(x));
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** createElement with safe attributes; children are Nodes or plain text. */
export function el(tag, attrs, ...children) {
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

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element; no event-handler or link attributes. */
export function svg(tag, attrs, ...children) {
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

/** Returns a normalised http(s) URL or null. */
export function safeHttpUrl(u) {
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

export function externalLink(url, text) {
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

/** A link to this dashboard with the given query parameters (same origin, never data-built paths). */
export function dashboardLink(params, text, cls) {
  const a = document.createElement('a');
  a.href = window.location.pathname + '?' + new URLSearchParams(params).toString();
  if (cls) a.className = cls;
  a.textContent = str(text);
  return a;
}

/** Runs `fn` on a click, or on Enter or Space when the element has the focus (rows and bars act as buttons). */
export function onActivate(node, fn) {
  node.addEventListener('click', fn);
  node.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      fn();
    }
  });
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : (many || one + 's')}`;
}

export function num(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export function truncate(s, n) {
  const cps = Array.from(s);
  return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : s;
}

/** A single representative number for a {low,best,high} range. */
export function rangeValue(r) {
  if (!r || typeof r !== 'object') return null;
  return num(r.best) ?? num(r.high) ?? num(r.low);
}

export function fmtRange(r) {
  if (!r || typeof r !== 'object') return '';
  const lo = num(r.low), best = num(r.best), hi = num(r.high);
  if (lo === null && best === null && hi === null) return '';
  const b = best ?? lo ?? hi;
  if ((lo === null || lo === b) && (hi === null || hi === b)) return String(b);
  return `${b} (${lo ?? '?'}–${hi ?? '?'})`;
}

// ------------------------------------------------------------ vocabulary

export const EVENT_TYPES = ['ASSAULT', 'COERCE', 'PROTEST', 'THREATEN', 'MOBILIZE', 'AGREE', 'CONSULT',
  'REQUEST', 'ACCUSE', 'REJECT', 'SANCTION', 'SUPPORT', 'COOPERATE', 'AID', 'RETREAT', 'CONCEDE'];
export const STATUSES = ['current', 'historical', 'future', 'hypothetical', 'negated', 'any'];
const CATEGORY = {
  ASSAULT: 'violent', COERCE: 'force', THREATEN: 'force', MOBILIZE: 'force',
  PROTEST: 'protest',
  ACCUSE: 'verbal', REJECT: 'verbal', SANCTION: 'verbal',
  AGREE: 'coop', CONSULT: 'coop', REQUEST: 'coop', SUPPORT: 'coop', COOPERATE: 'coop',
  AID: 'coop', RETREAT: 'coop', CONCEDE: 'coop',
};
export const CATEGORY_COLOR = {
  violent: '#c62828', force: '#e07b00', protest: '#7b3fa0', verbal: '#8d6e63', coop: '#1f6fb2', other: '#546e7a',
};
/** Actor sectors (sitrep's closed set) in words. */
const SECTOR_WORDS = {
  BUS: 'business', COP: 'police', CRM: 'criminals', CVL: 'civilians', EDU: 'education', GOV: 'government',
  IGO: 'international organisation', JUD: 'judiciary', LEG: 'legislature', MED: 'media', MIL: 'military',
  NGO: 'NGO', OPP: 'opposition', PKO: 'peacekeepers', POL: 'politicians', REB: 'rebels', REF: 'refugees',
  REL: 'religious', UAF: 'armed group',
};

export function categoryOf(type) {
  return CATEGORY[type] || 'other';
}

export function typeBadge(type, mode) {
  const t = str(type) || '?';
  return el('span', { class: 'type-badge cat-' + categoryOf(type), title: mode ? `${t} (${mode})` : t }, t);
}

export function statusBadge(status) {
  const s = str(status) || '?';
  const cls = STATUSES.includes(s) ? s : 'other';
  return el('span', { class: 'status-badge st-' + cls }, s);
}

const nonEmpty = (x) => typeof x === 'string' && x !== '';

/** "Kidal, Kidal region, Mali": names where the server has them, codes otherwise. */
export function placeText(ev) {
  const parts = [ev.place, ev.admin1_name || ev.admin1, ev.country_name || ev.country].filter(nonEmpty);
  // avoid "Yerevan, Yerevan, Armenia"
  return parts.filter((p, i) => parts.indexOf(p) === i).join(', ');
}

/** "Armenia · military" for an actor's, victim's or claimant's country and sector. */
export function tagWords(country, countryName, sector) {
  return [countryName || country, SECTOR_WORDS[sector] || sector].filter(nonEmpty).join(' · ');
}

// ------------------------------------------------------------------- API

export class ApiError extends Error {}

export async function api(path, params) {
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
