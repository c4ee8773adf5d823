/* sitrep dashboard — the map: basemap, event markers, selection.
 *
 * The basemap is Natural Earth via world-atlas (TopoJSON, served by us). Rings that
 * cross the antimeridian (Russia's Chukotka, Fiji, Antarctica) are cut there into
 * pieces on each side: drawn as they come, Leaflet joins +180° to -180° straight across
 * the map and paints grey bands at those latitudes.
 */
import { $, arr, el, num, str, truncate, fmtRange, rangeValue, placeText, categoryOf, CATEGORY_COLOR } from './dom.js';

const WORLD_VIEW = [[25, 15], 2];
const FOCUS_ZOOM = 6;

let map = null;
let markerLayer = null;
const markers = new Map();
let onSelect = () => {};

export function initMap(select) {
  onSelect = select;
  if (typeof L === 'undefined') {
    $('map').textContent = 'Map library failed to load.';
    return;
  }
  map = L.map('map', { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5, preferCanvas: false });
  map.attributionControl.addAttribution('Borders: Natural Earth via world-atlas');
  map.setView(WORLD_VIEW[0], WORLD_VIEW[1]);
  markerLayer = L.featureGroup().addTo(map);
  // The charts below the map are drawn after it: follow the container's size, or
  // Leaflet keeps the first one and centres and fits views off the visible map.
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => map.invalidateSize()).observe($('map'));
  // Tests and analysts can reach the map's state; nothing here is secret.
  window.sitrepMap = map;
  loadBasemap();
}

async function loadBasemap() {
  try {
    const res = await fetch('vendor/countries-50m.json');
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const world = await res.json();
    if (typeof topojson === 'undefined') throw new Error('topojson-client missing');
    const geo = cutAtAntimeridian(topojson.feature(world, world.objects.countries));
    const layer = L.geoJSON(geo, {
      interactive: false,
      style: { color: '#a7afb8', weight: 0.6, fillColor: '#e2e5e9', fillOpacity: 1, className: 'country' },
    }).addTo(map);
    layer.bringToBack();
    if (markerLayer) markerLayer.bringToFront();
    $('map').dataset.basemap = 'ready';
  } catch (err) {
    setMapNote('Basemap unavailable: ' + (err && err.message ? err.message : err));
  }
}

/**
 * Cuts every polygon ring at the antimeridian: a step of more than 180° of longitude
 * between two points is a crossing. A ring with crossings becomes one ring per
 * stretch between them, each closed along its own side of the date line, so that no
 * edge spans the map. Holes of a cut polygon are dropped (none in world-atlas).
 */
function cutAtAntimeridian(fc) {
  const cutRing = (ring) => {
    const jumps = [];
    for (let i = 1; i < ring.length; i++) {
      if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) jumps.push(i);
    }
    if (!jumps.length) return null;
    // Start after the first crossing: each stretch then lies on one side.
    const open = ring.slice(0, -1);
    const n = open.length;
    const start = jumps[0] % n;
    const pieces = [];
    let cur = [];
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const prev = open[(i - 1 + n) % n];
      if (k > 0 && Math.abs(open[i][0] - prev[0]) > 180) {
        pieces.push(cur);
        cur = [];
      }
      cur.push(open[i]);
    }
    pieces.push(cur);
    return pieces.filter((p) => p.length >= 2).map((p) => {
      // Close along the date line on the stretch's own side: that of its first point,
      // which lies next to a crossing (a stretch can reach across the whole map).
      const side = p[0][0] >= 0 ? 180 : -180;
      const first = [side, p[0][1]], last = [side, p[p.length - 1][1]];
      return [first, ...p, last, first];
    });
  };
  const cutPolygon = (rings) => {
    const pieces = cutRing(rings[0]);
    return pieces ? pieces.map((r) => [r]) : [rings];
  };
  const features = fc.features.map((f) => {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return f;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const out = polys.flatMap(cutPolygon);
    return Object.assign({}, f, { geometry: { type: 'MultiPolygon', coordinates: out } });
  });
  return Object.assign({}, fc, { features });
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

const hasPosition = (ev) => ev && num(ev.lat) !== null && num(ev.lon) !== null
  && Math.abs(ev.lat) <= 90 && Math.abs(ev.lon) <= 180;

export function renderMarkers(items, fit, selectedId) {
  if (!map) return;
  markerLayer.clearLayers();
  markers.clear();
  const withPos = arr(items).filter((ev) => hasPosition(ev) && typeof ev.id === 'string');
  const radius = (ev) => 4 + Math.min(20, 1.8 * Math.sqrt(Math.max(0, rangeValue(ev.fatalities) || 0)));
  // big circles first so that small ones stay clickable on top
  withPos.sort((a, b) => radius(b) - radius(a));
  for (const ev of withPos) {
    const color = CATEGORY_COLOR[categoryOf(ev.event_type)];
    const m = L.circleMarker([ev.lat, ev.lon], {
      radius: radius(ev), className: 'event-marker', color, weight: 1, fillColor: color, fillOpacity: 0.5,
    });
    m.bindTooltip(markerTooltip(ev), { direction: 'top', offset: [0, -4], opacity: 0.95 });
    m.on('click', () => onSelect(ev.id));
    m.addTo(markerLayer);
    markers.set(ev.id, m);
  }
  if (fit && !selectedId) {
    if (withPos.length) {
      const b = L.latLngBounds(withPos.map((ev) => [ev.lat, ev.lon]));
      map.fitBounds(b.pad(0.4), { maxZoom: 6, animate: false });
    } else {
      map.setView(WORLD_VIEW[0], WORLD_VIEW[1], { animate: false });
    }
  }
  highlightMarker(selectedId);
}

/** Rings the selected event's marker (and only it). */
export function highlightMarker(selectedId) {
  for (const [id, m] of markers) {
    const on = id === selectedId;
    m.setStyle({ weight: on ? 3 : 1, color: on ? '#111' : m.options.fillColor });
    if (on) m.bringToFront();
  }
}

/** Pans and zooms to an event (a summary or a full event), keeping a closer zoom. */
export function focusEvent(ev) {
  if (!map || !hasPosition(ev)) return;
  const zoom = Math.max(map.getZoom(), FOCUS_ZOOM);
  map.setView([ev.lat, ev.lon], zoom, { animate: false });
  $('map').dataset.focus = `${ev.lat},${ev.lon}`;
}

export function invalidateSize() {
  if (map) map.invalidateSize();
}
