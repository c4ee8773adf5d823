/* sitrep dashboard — the alerts panel, and live refresh while `sitrep watch` runs.
 *
 * /api/alerts gives the alert rules watch runs, the latest alerts fired, when a source
 * was last polled and a version string of the data. The panel is shown once there is a
 * rule or an alert; the dashboard reloads its list, charts and map when the version
 * changes (new articles stored, events re-fused, alerts fired), every few seconds while
 * watch is polling and every half minute otherwise.
 *
 * SECURITY: see dom.js. Data from the API only ever reaches the DOM as text.
 */
import { $, arr, el, str, num, plural, onActivate, api } from './dom.js';

const LIVE_MS = 5000;
const IDLE_MS = 30000;
// Watch counts as running when a source was polled this recently.
const LIVE_WINDOW_MS = 15 * 60 * 1000;

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** A rule's filters in words: "country MLI · ≥ 5 killed · type ASSAULT". */
function ruleText(rule) {
  const r = rule || {};
  const parts = [];
  if (r.country) parts.push(`country ${str(r.country)}`);
  if (Array.isArray(r.near) && r.near.length === 3) parts.push(`within ${r.near[2]} km of ${r.near[0]}, ${r.near[1]}`);
  if (r.type) parts.push(`type ${str(r.type)}`);
  if (r.actor) parts.push(`actor “${str(r.actor)}”`);
  if (num(r.min_fatalities) !== null) parts.push(`≥ ${r.min_fatalities} killed`);
  if (r.status && r.status !== 'current') parts.push(`status ${str(r.status)}`);
  if (num(r.min_confidence) !== null) parts.push(`confidence ≥ ${r.min_confidence}`);
  const sinks = r.sinks || {};
  const to = [sinks.webhook ? `webhook ${str(sinks.webhook)}` : null, sinks.command ? 'command' : null, sinks.stdout ? 'stdout' : null]
    .filter(Boolean);
  return `${parts.length ? parts.join(' · ') : 'every current event'} → ${to.join(', ') || 'nowhere'}`;
}

/** Renders the panel; returns whether watch is polling now. */
function render(data, openEvent) {
  const wrap = $('alerts-wrap');
  const rules = arr(data.rules);
  const alerts = arr(data.alerts);
  wrap.hidden = rules.length === 0 && alerts.length === 0;
  const last = num(data.watch && data.watch.last_polled);
  const live = last !== null && Date.now() - last < LIVE_WINDOW_MS;
  const state = $('watch-state');
  state.dataset.live = live ? '1' : '0';
  state.textContent = last === null ? 'watch has not run' : `${live ? 'live' : 'idle'} · last poll ${ago(last)}`
    + (num(data.watch.failing) ? ` · ${data.watch.failing} failing` : '');
  state.title = arr(data.watch && data.watch.failing_sources)
    .map((f) => `${str(f.name || f.url)}: ${str(f.last_error)} (${plural(num(f.failures) || 0, 'failure')} in a row)`).join('\n');
  const ruleList = $('alert-rules');
  ruleList.replaceChildren(...rules.map((r) => el('li', { class: 'alert-rule' },
    el('span', { class: 'alert-rule-name', text: r.name }), ' ', el('span', { class: 'muted', text: ruleText(r.rule) }))));
  const list = $('alert-list');
  list.replaceChildren(...alerts.map((a) => {
    const when = num(a.fired_at) !== null ? new Date(a.fired_at).toISOString().slice(0, 16).replace('T', ' ') : '';
    const li = el('li', { class: 'alert-row', tabindex: '0', role: 'button', dataset: { event: str(a.event), kind: str(a.kind) } },
      el('span', { class: 'alert-when', text: when }),
      el('span', { class: `alert-kind kind-${a.kind === 'revised' ? 'revised' : 'new'}`, text: a.kind === 'revised' ? 'revised' : 'new' }),
      el('span', { class: 'alert-rule-name', text: a.rule }),
      el('span', { class: 'alert-message', text: a.message, title: str(a.headline) }),
      a.delivered === null
        ? el('span', { class: 'alert-undelivered', text: 'not sent', title: `${plural(num(a.attempts) || 0, 'attempt')}: ${str(a.delivery_error)}` })
        : null);
    onActivate(li, () => openEvent(str(a.event)));
    return li;
  }));
  if (alerts.length === 0) list.append(el('li', { class: 'muted', text: 'No alert has fired yet.' }));
  $('alerts-count').textContent = num(data.total) ? `(${data.total})` : '';
  return live;
}

/** Polls /api/alerts; calls onChange() when the data changed since the last poll. */
export function startAlerts(onChange, openEvent) {
  let version = null;
  async function tick() {
    let live = false;
    try {
      const data = await api('/api/alerts', new URLSearchParams({ limit: '20' }));
      live = render(data, openEvent);
      if (version !== null && data.version !== version) onChange();
      version = data.version;
    } catch (_) {
      // An older server without /api/alerts, or a network hiccup: try again later.
    }
    setTimeout(tick, live ? LIVE_MS : IDLE_MS);
  }
  tick();
}
