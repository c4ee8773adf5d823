/* sitrep dashboard — one event (facts, contradictions, tolls and evidence with
 * highlights and the reasons its reports were grouped, in words) and one article (its
 * text with the evidence sentence marked).
 */
import { arr, el, num, str, plural, fmtRange, placeText, tagWords, externalLink, dashboardLink,
  typeBadge, statusBadge } from './dom.js';

const HIGHLIGHT_KINDS = ['trigger', 'number', 'claimant', 'actor', 'place'];

function fact(label, ...value) {
  return [el('dt', null, label), el('dd', null, ...value)];
}

const dash = () => el('span', { class: 'muted' }, '—');

/** Actors as chips: the name as written (isolated, for right-to-left scripts), then country and sector. */
function actorChips(list) {
  const chips = arr(list).filter((a) => a && typeof a === 'object' && (a.name || a.text)).map((a) => {
    const tags = tagWords(a.country, a.country_name, a.sector);
    return el('span', { class: 'chip' }, el('bdi', null, str(a.name) || str(a.text)),
      tags ? el('span', { class: 'tags' }, ` · ${tags}`) : null);
  });
  return chips.length ? chips : dash();
}

export function renderEvent(ev) {
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
    fact('ACLED type', acled || dash()),
    fact('Status', str(ev.status) || '—'),
    fact('Date', date),
    fact('Place', (placeText(ev) || '—') + coords),
    fact('Actors', actorChips(ev.actors)),
    fact('Recipients', actorChips(ev.recipients)),
    fact('Fatalities', fmtRange(ev.fatalities) || dash()),
    fact('Injured', fmtRange(ev.injured) || dash()),
    fact('Sources', sources)));

  if (contradictions.length) frag.appendChild(renderContradictions(contradictions));
  frag.appendChild(renderTolls(ev));

  const mentions = arr(ev.mentions).filter((m) => m && typeof m === 'object');
  const evSec = el('section', { class: 'ev-section' }, el('h3', null, `Evidence (${mentions.length})`), legend());
  mentions.forEach((m, i) => evSec.appendChild(renderMention(m, i, mentions.length)));
  if (!mentions.length) evSec.appendChild(el('p', { class: 'muted' }, 'No mentions.'));
  frag.appendChild(evSec);
  return frag;
}

function renderContradictions(contradictions) {
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
  return el('section', { class: 'ev-section' }, el('h3', null, 'Contradictions'), ul);
}

function renderTolls(ev) {
  const tollSec = el('section', { class: 'ev-section tolls' }, el('h3', null, 'Tolls'));
  const tolls = arr(ev.tolls);
  if (!tolls.length) tollSec.appendChild(el('p', { class: 'muted' }, 'No casualty claims.'));
  for (const t of tolls) {
    if (!t || typeof t !== 'object') continue;
    const claims = arr(t.claims).filter((c) => c && typeof c === 'object');
    const disputed = new Set(claims.map(claimLabel)).size > 1;
    const victims = t.victims && typeof t.victims === 'object' ? t.victims : {};
    const vtags = tagWords(victims.country, victims.country_name, victims.sector);
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
      const ctags = tagWords(c.claimant_country, c.claimant_country_name, c.claimant_sector);
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
  if (summary.length) tollSec.appendChild(el('ul', { class: 'summary' }, summary.map((s) => el('li', null, s))));
  return tollSec;
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

/** One fusion reason (feature, what matched) as words an analyst reads. */
function reasonWords(feature, value) {
  const v = value !== null && typeof value === 'object' ? JSON.stringify(value) : str(value);
  switch (feature) {
    case 'date':
      if (v === 'undated') return 'a report without a date';
      return v.replace(/^(\d+) day apart$/, (_, n) => (n === '1' ? '1 day apart' : `${n} days apart`));
    case 'same_toll': return `the same toll of ${v} killed`;
    case 'document': return 'in the same article';
    case 'place':
      if (/^\d+ km$/.test(v)) return `${v} apart`;
      return { 'same place': 'at the same place', 'same region': 'in the same region', 'same country': 'in the same country',
        "a party's country": 'in the country of one of its parties', 'different country': 'in a different country' }[v] || v;
    case 'parties':
      if (v === 'disjoint') return 'no party in common';
      return v.replace(/^(\d+) of (\d+) shared$/, 'parties: $1 of $2 countries in common');
    case 'killed':
      return { 'compatible figures': 'death tolls that agree', 'incompatible figures': 'death tolls far apart',
        'different exact figures': 'different exact death tolls' }[v] || `death tolls: ${v}`;
    case 'names':
      return v === 'different people named' ? 'different people named' : `both name ${v}`;
    case 'decision': return v;
    default: return `${feature.replace(/_/g, ' ')}: ${v}`;
  }
}

/** Why this report is part of the event, as one sentence. */
function groupingSentence(m, index, count) {
  const reasons = m.reasons && typeof m.reasons === 'object' && !Array.isArray(m.reasons) ? Object.entries(m.reasons) : [];
  const decision = reasons.find(([k]) => k === 'decision');
  if (decision) return `${str(decision[1]).replace(/^./, (c) => c.toUpperCase())}.`;
  if (!reasons.length) {
    return count === 1 ? 'The only report of this event.'
      : index === 0 ? 'The first report: the others were matched to it.' : 'Grouped with the report it came with.';
  }
  const words = reasons.map(([k, v]) => reasonWords(k, v));
  const score = num(m.score);
  return `Matched to this event: ${words.join(', ')}` + (score === null ? '.' : ` (match score ${Math.round(score * 100) / 100}).`);
}

function renderMention(m, index, count) {
  const doc = m.document && typeof m.document === 'object' ? m.document : {};
  const title = str(doc.title) || str(doc.url) || str(doc.id) || 'untitled document';
  const docMeta = [doc.source, doc.published, doc.lang].filter(Boolean).map(str).join(' · ');
  const evidence = m.evidence && typeof m.evidence === 'object' ? m.evidence : {};
  const text = str(evidence.text);
  const lang = langAttr(doc.lang);

  const sentence = el('blockquote', { class: 'sentence', dir: 'auto', lang });
  sentence.appendChild(highlight(text, m.highlights, m.trigger, evidence));

  const casualties = arr(m.casualties).filter((c) => c && typeof c === 'object')
    .map((c) => `${str(c.kind)} ${str(c.label) || claimLabel(c)}`.trim());
  const meta = [str(m.event_type), str(m.status), str(m.date)].filter(Boolean).join(' · ');
  const articleParams = { doc: str(doc.id) };
  if (num(evidence.start) !== null && num(evidence.end) !== null) {
    articleParams.start = String(evidence.start);
    articleParams.end = String(evidence.end);
  }
  const original = typeof doc.url === 'string' && doc.url ? externalLink(doc.url, 'original ↗') : null;

  return el('div', { class: 'evidence', dataset: { mention: str(m.id) } },
    el('div', { class: 'doc' },
      el('span', { class: 'doc-title', dir: 'auto' }, str(doc.id) ? dashboardLink(articleParams, title, 'article-link') : title),
      docMeta ? el('span', { class: 'doc-meta' }, docMeta) : null,
      original ? el('span', { class: 'doc-original' }, original) : null),
    sentence,
    el('div', { class: 'mention-meta' },
      meta,
      m.claimant ? el('span', null, ' · claimant: ', el('span', { dir: 'auto' }, str(m.claimant))) : null,
      casualties.length ? ` · ${casualties.join(', ')}` : ''),
    el('div', { class: 'merge' }, groupingSentence(m, index, count)));
}

function langAttr(l) {
  return typeof l === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(l) ? l : null;
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
  return marked(cps, placed);
}

/** Text of code points `cps` with `ranges` ({s, e, kind}, sorted, disjoint) as <mark>s. */
function marked(cps, ranges) {
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const r of ranges) {
    if (r.s > pos) frag.appendChild(document.createTextNode(cps.slice(pos, r.s).join('')));
    const mark = document.createElement('mark');
    mark.className = r.kind;
    mark.title = r.kind;
    mark.textContent = cps.slice(r.s, r.e).join('');
    frag.appendChild(mark);
    pos = r.e;
  }
  if (pos < cps.length) frag.appendChild(document.createTextNode(cps.slice(pos).join('')));
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

/**
 * One stored article (`/api/documents/{id}`): its facts, a link to the original when it
 * has an http(s) URL, and its whole text with the code-point span [start, end) marked.
 */
export function renderDocument(doc, start, end) {
  const frag = document.createDocumentFragment();
  const text = str(doc.text);
  const cps = Array.from(text);
  const s = Number.isInteger(start) ? Math.max(0, Math.min(cps.length, start)) : null;
  const e = Number.isInteger(end) ? Math.max(0, Math.min(cps.length, end)) : null;
  frag.appendChild(el('h2', { class: 'ev-headline', dir: 'auto' }, str(doc.title) || str(doc.id) || 'untitled document'));
  frag.appendChild(el('dl', { class: 'facts' },
    fact('Source', str(doc.source) || dash()),
    fact('Published', str(doc.published) || dash()),
    fact('Language', str(doc.lang) || dash()),
    fact('Original', safeOriginal(doc.url)),
    fact('Stored as', str(doc.id))));
  const body = el('div', { class: 'article-text', dir: 'auto', lang: langAttr(doc.lang) });
  body.appendChild(s !== null && e !== null && e > s ? marked(cps, [{ s, e, kind: 'evidence' }]) : document.createTextNode(text));
  frag.appendChild(el('section', { class: 'ev-section' }, el('h3', null, 'Article text'), body));
  return frag;
}

function safeOriginal(url) {
  if (typeof url !== 'string' || !url) return dash();
  return externalLink(url, url);
}
