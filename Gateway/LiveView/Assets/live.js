// Gearbox live view: polls the gateway's JSON API about once a second and draws, per declared pipeline,
// the load estimate, the gear in force (mode, band), p99 and arrivals over the last two minutes and the
// gear switches. Plain DOM and SVG, no dependencies. Every value a test or a script may read carries
// data-pipeline (on its section) and data-field (on the element; data-value holds the raw value).
'use strict';

(() => {
  const POLL_MS = 1000;
  const SPAN_MS = 120_000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const MAX_ROWS = 12;
  const views = new Map();
  let polls = 0;

  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    e.append(...children);
    return e;
  }

  function svgEl(tag, attrs = {}, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) {
      let detail = '';
      try { detail = (await response.json()).detail || ''; } catch { /* not a problem document */ }
      throw new Error(`${url}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`);
    }
    return response.json();
  }

  const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v)) ? '—' : Number(v).toFixed(digits);
  const fmtLoad = v => v === null || v === undefined ? '—' : (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const fmtBound = v => v === null || v === undefined ? '—' : (Number.isFinite(v) && v < 1e12 ? fmtLoad(v) : '∞');
  const clock = iso => new Date(iso).toLocaleTimeString([], { hour12: false });

  function setField(view, field, text, value) {
    const node = view.fields[field];
    node.textContent = text;
    node.dataset.value = value === undefined || value === null ? '' : String(value);
  }

  function setStatus(state, text) {
    const status = document.getElementById('live-status');
    status.dataset.state = state;
    status.textContent = text;
  }

  // ---- building the page -------------------------------------------------------------------------

  function stat(name, label, field, extra) {
    const dd = el('dd', {}, el('span', { 'data-field': field, id: `${name}-${field}` }, '—'));
    if (extra) dd.append(' ', extra);
    return el('div', {}, el('dt', {}, label), dd);
  }

  function figure(name, chart, caption) {
    const svg = svgEl('svg', { class: 'chart', viewBox: '0 0 360 120', 'data-chart': chart, id: `${name}-chart-${chart}`, role: 'img' });
    const cap = el('figcaption');
    cap.innerHTML = caption; // static markup from this file, never data
    return { node: el('figure', {}, cap, svg), svg };
  }

  function buildView(pipeline) {
    const name = pipeline.name;
    const section = el('section', { class: 'pipeline', 'data-pipeline': name, id: `pipeline-${name}` });
    const mode = el('span', { class: 'mode', 'data-field': 'mode', id: `${name}-mode` }, '…');
    const error = el('span', { class: 'error', 'data-field': 'error', id: `${name}-error` });
    section.append(el('header', {}, el('h2', {}, name), mode, el('span', { class: 'desc' }, pipeline.description || ''), error));

    const gears = el('small', { 'data-field': 'gears', id: `${name}-gears` }, '');
    const rate = el('small', { 'data-field': 'rate', id: `${name}-rate` }, '');
    const p99Max = el('small', { 'data-field': 'p99-max', id: `${name}-p99-max` }, '');
    const stats = el('dl', { class: 'stats' },
      stat(name, 'gear', 'gear', gears),
      stat(name, 'band (req/s)', 'band'),
      stat(name, 'load estimate (req/s)', 'demand', rate),
      stat(name, 'p99 now (ms)', 'p99', p99Max),
      stat(name, 'arrivals (req/s)', 'arrivals'),
      stat(name, 'queued / in flight', 'queue'));
    section.append(stats);

    const load = figure(name, 'load', 'load: <i style="color:var(--load)">arrivals/s</i>, <i style="color:var(--demand)">estimate</i>, <i style="color:#6f8fcf">band of the gear</i>');
    const p99 = figure(name, 'p99', '<i style="color:var(--p99)">p99 ms</i> (worst window per second), <i style="color:var(--slo)">SLO</i>');
    const gear = figure(name, 'gear', '<i style="color:var(--gear)">gear index</i>, switches (<i style="color:#e07b1a">pinned</i>)');
    section.append(el('div', { class: 'charts' }, load.node, p99.node, gear.node));

    const tbody = el('tbody');
    section.append(el('table', { class: 'switches', 'data-field': 'switches', id: `${name}-switches` },
      el('thead', {}, el('tr', {}, el('th', {}, 'time'), el('th', {}, 'from → to'), el('th', {}, 'load (req/s)'), el('th', {}, 'reason'))),
      tbody));

    const fields = {};
    for (const node of section.querySelectorAll('[data-field]')) fields[node.dataset.field] = node;
    return {
      name, section, fields, tbody,
      sloMs: pipeline.defaultSloMs,
      charts: { load: load.svg, p99: p99.svg, gear: gear.svg },
      windows: [],          // merged monitoring windows, oldest first
      demand: [],           // {t, demand} seen by this page
      fetchedAt: 0,         // performance.now() of the last /load answer
      status: null, history: [],
    };
  }

  // ---- polling -----------------------------------------------------------------------------------

  async function pollLoad(view) {
    // The first poll takes two minutes of windows; later ones only what is new (plus a margin), merged by time.
    const since = view.fetchedAt ? (performance.now() - view.fetchedAt) / 1000 + 2 : SPAN_MS / 1000;
    const seconds = Math.min(SPAN_MS / 1000, Math.max(2, Math.ceil(since)));
    const requested = performance.now();
    const load = await getJson(`/v1/pipelines/${encodeURIComponent(view.name)}/load?seconds=${seconds}`);
    view.fetchedAt = requested;
    view.windowMs = load.windowMs;
    const last = view.windows.length ? Date.parse(view.windows[view.windows.length - 1].at) : -Infinity;
    for (const w of load.windows) if (Date.parse(w.at) > last) view.windows.push(w);
    view.estimate = load.estimate;
    const newest = view.windows.length ? Date.parse(view.windows[view.windows.length - 1].at) : Date.parse(load.estimate.at);
    view.now = Math.max(newest, Date.parse(load.estimate.at));
    const from = view.now - SPAN_MS;
    while (view.windows.length && Date.parse(view.windows[0].at) <= from) view.windows.shift();
  }

  async function poll(view) {
    const base = `/v1/pipelines/${encodeURIComponent(view.name)}`;
    const [status, history] = await Promise.all([
      getJson(`${base}/gear`),
      getJson(`${base}/gear/history`),
      pollLoad(view),
    ]);
    view.status = status;
    view.history = history.switches || [];
    const estimate = status.estimate || view.estimate;
    if (estimate) {
      view.demand.push({ t: Date.parse(estimate.at), demand: estimate.demand });
      while (view.demand.length && view.demand[0].t <= view.now - SPAN_MS) view.demand.shift();
    }
    render(view, estimate);
  }

  // ---- rendering ---------------------------------------------------------------------------------

  function perSecond(view) {
    // One bucket per second of server time: arrivals summed into req/s, p99 the worst window's.
    const buckets = new Map();
    for (const w of view.windows) {
      const t = Math.ceil(Date.parse(w.at) / 1000) * 1000;
      const b = buckets.get(t) || { t, arrivals: 0, p99: null, ms: 0 };
      b.arrivals += w.arrivals;
      b.ms += view.windowMs || 100;
      if (w.completed > 0 && (b.p99 === null || w.p99Ms > b.p99)) b.p99 = w.p99Ms;
      buckets.set(t, b);
    }
    return [...buckets.values()].sort((a, b) => a.t - b.t).map(b => ({ ...b, rate: b.arrivals * 1000 / Math.max(b.ms, 1) }));
  }

  function render(view, estimate) {
    const s = view.status;
    const mode = s.mode || 'off';
    setField(view, 'mode', mode, mode);
    view.section.dataset.mode = mode;
    const index = s.gearIndex;
    setField(view, 'gear', index === null || index === undefined ? '—' : String(index), index);
    setField(view, 'gears', s.gears ? `of 0–${s.gears - 1}` : 'no plan', s.gears);
    view.section.dataset.gear = index === null || index === undefined ? '' : String(index);
    setField(view, 'band', s.band ? `${fmtLoad(s.band.minLoad)} – ${fmtBound(s.band.maxLoad)}` : '—', s.band ? `${s.band.minLoad},${s.band.maxLoad}` : '');
    setField(view, 'demand', estimate ? fmtLoad(estimate.demand) : '—', estimate ? estimate.demand : null);
    setField(view, 'rate', estimate ? `rate ${fmtLoad(estimate.rate)}${estimate.burst && estimate.burst !== 'none' ? ` · burst (${estimate.burst})` : ''}` : '', estimate ? estimate.rate : null);
    setField(view, 'queue', estimate ? `${estimate.queue} / ${estimate.inFlight}` : '—', estimate ? estimate.queue : null);

    const seconds = perSecond(view);
    const recent = view.windows.filter(w => Date.parse(w.at) > view.now - 1000 && w.completed > 0);
    const p99Now = recent.length ? Math.max(...recent.map(w => w.p99Ms)) : null;
    const withLatency = view.windows.filter(w => w.completed > 0);
    const p99Max = withLatency.length ? Math.max(...withLatency.map(w => w.p99Ms)) : null;
    setField(view, 'p99', fmt(p99Now), p99Now);
    setField(view, 'p99-max', `worst 2 min ${fmt(p99Max)}`, p99Max);
    const lastSecond = seconds.length ? seconds[seconds.length - 1].rate : null;
    const total = view.windows.reduce((sum, w) => sum + w.arrivals, 0);
    setField(view, 'arrivals', fmtLoad(lastSecond), lastSecond);
    view.fields.arrivals.title = `${total} requests in the last two minutes`;
    view.section.dataset.arrivals = String(total);

    drawLoad(view, seconds);
    drawP99(view, seconds);
    drawGear(view);
    renderSwitches(view);
    setField(view, 'error', '', '');
  }

  const W = 360, H = 120, L = 34, R = 6, T = 8, B = 16;

  function frame(svg, view, yMax, unit, integers = false) {
    svg.replaceChildren();
    const x = t => L + (W - L - R) * (t - (view.now - SPAN_MS)) / SPAN_MS;
    const y = v => T + (H - T - B) * (1 - Math.min(v, yMax) / yMax);
    const ticks = integers ? [...new Set([0, Math.round(yMax / 2), yMax])] : [0, yMax / 2, yMax];
    for (const v of ticks) {
      svg.append(svgEl('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.append(svgEl('text', { x: L - 3, y: y(v) + 3, 'text-anchor': 'end' }, integers ? String(v) : niceNumber(v)));
    }
    svg.append(svgEl('text', { x: L, y: H - 3 }, '−2 min'));
    svg.append(svgEl('text', { x: (L + W - R) / 2, y: H - 3, 'text-anchor': 'middle' }, '−1 min'));
    svg.append(svgEl('text', { x: W - R, y: H - 3, 'text-anchor': 'end' }, `now ${unit}`));
    return { x, y };
  }

  const niceNumber = v => v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(0) : v.toFixed(1);
  const ceilNice = v => {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  };

  function polyline(points, cls) {
    return svgEl('polyline', { class: cls, points: points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ') });
  }

  function drawLoad(view, seconds) {
    const band = view.status.band;
    const finiteMax = band && Number.isFinite(band.maxLoad) && band.maxLoad < 1e12 ? band.maxLoad : 0;
    const peak = Math.max(1, ...seconds.map(s => s.rate), ...view.demand.map(d => d.demand));
    const yMax = ceilNice(Math.max(peak * 1.15, Math.min(finiteMax, peak * 4)));
    const { x, y } = frame(view.charts.load, view, yMax, 'req/s');
    const svg = view.charts.load;
    if (band) {
      const top = y(Math.min(finiteMax || yMax, yMax)), bottom = y(Math.max(0, band.minLoad));
      svg.append(svgEl('rect', { class: 'band', x: L, y: top, width: W - L - R, height: Math.max(0, bottom - top), 'data-series': 'band' }));
    }
    if (seconds.length) {
      const pts = seconds.map(s => [x(s.t), y(s.rate)]);
      svg.append(svgEl('polygon', { class: 'load-area', points: [[pts[0][0], y(0)], ...pts, [pts[pts.length - 1][0], y(0)]].map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ') }));
      const line = polyline(pts, 'load');
      line.setAttribute('data-series', 'arrivals');
      svg.append(line);
    }
    if (view.demand.length) {
      const line = polyline(view.demand.map(d => [x(d.t), y(d.demand)]), 'demand');
      line.setAttribute('data-series', 'demand');
      svg.append(line);
    }
  }

  function drawP99(view, seconds) {
    const points = seconds.filter(s => s.p99 !== null);
    const slo = view.sloMs || 0;
    const yMax = ceilNice(Math.max(1, slo * 1.1, ...points.map(s => s.p99 * 1.1)));
    const { x, y } = frame(view.charts.p99, view, yMax, 'ms');
    const svg = view.charts.p99;
    if (slo > 0) svg.append(svgEl('line', { class: 'slo', x1: L, x2: W - R, y1: y(slo), y2: y(slo), 'data-series': 'slo' }));
    if (points.length) {
      const line = polyline(points.map(s => [x(s.t), y(s.p99)]), 'p99');
      line.setAttribute('data-series', 'p99');
      svg.append(line);
      for (const s of points.length < 30 ? points : []) svg.append(svgEl('circle', { class: 'switch', cx: x(s.t), cy: y(s.p99), r: 1.8, style: 'fill:var(--p99)' }));
    } else {
      svg.append(svgEl('text', { x: (L + W - R) / 2, y: T + 22, 'text-anchor': 'middle' }, 'no requests finished in the last two minutes'));
    }
  }

  function drawGear(view) {
    const gears = Math.max(1, view.status.gears || 1);
    const yMax = Math.max(1, gears - 1);
    const svg = view.charts.gear;
    const { x, y } = frame(svg, view, yMax, '', true);
    const from = view.now - SPAN_MS;
    const switches = view.history.map(h => ({ ...h, t: Date.parse(h.at) })).sort((a, b) => a.t - b.t);
    const before = switches.filter(h => h.t <= from);
    let current = before.length ? before[before.length - 1].to : null;
    const pts = [];
    if (current !== null && current >= 0) pts.push([x(from), y(current)]);
    for (const h of switches.filter(h => h.t > from)) {
      if (current !== null && current >= 0) pts.push([x(h.t), y(current)]);
      current = h.to;
      if (current >= 0) pts.push([x(h.t), y(current)]);
    }
    if (current !== null && current >= 0) pts.push([x(view.now), y(current)]);
    if (pts.length) {
      const line = polyline(pts, 'gear');
      line.setAttribute('data-series', 'gear');
      svg.append(line);
    }
    for (const h of switches.filter(h => h.t > from && h.to >= 0)) {
      const dot = svgEl('circle', { class: /pinned/i.test(h.reason) ? 'switch pinned' : 'switch', cx: x(h.t), cy: y(h.to), r: 3.2 });
      dot.append(svgEl('title', {}, `${clock(h.at)}: ${h.from} → ${h.to} — ${h.reason}`));
      svg.append(dot);
    }
  }

  function renderSwitches(view) {
    const rows = view.history.slice(-MAX_ROWS).reverse();
    view.fields.switches.dataset.count = String(view.history.length);
    if (!rows.length) {
      view.tbody.replaceChildren(el('tr', { class: 'empty' }, el('td', { colspan: 4 }, 'no gear switches yet')));
      return;
    }
    view.tbody.replaceChildren(...rows.map((h, i) => el('tr', { 'data-switch': i, 'data-from': h.from, 'data-to': h.to, 'data-at': h.at },
      el('td', {}, clock(h.at)),
      el('td', {}, `${h.from < 0 ? '—' : h.from} → ${h.to}`),
      el('td', {}, h.load === null || h.load === undefined ? '—' : fmtLoad(h.load)),
      el('td', { class: 'reason' }, h.reason))));
  }

  // ---- main loop ---------------------------------------------------------------------------------

  async function discover() {
    const list = await getJson('/v1/pipelines');
    const declared = list.pipelines.filter(p => p.declared);
    const shown = declared.length ? declared : list.pipelines;
    const main = document.getElementById('pipelines');
    for (const p of shown) {
      if (views.has(p.name)) continue;
      const view = buildView(p);
      views.set(p.name, view);
      main.append(view.section);
    }
    document.body.dataset.pipelines = [...views.keys()].join(',');
  }

  async function run() {
    for (;;) {
      try { await discover(); break; } catch (e) { setStatus('error', `gateway unreachable: ${e.message}`); await sleep(POLL_MS); }
    }
    for (;;) {
      const started = performance.now();
      const results = await Promise.allSettled([...views.values()].map(async view => {
        try { await poll(view); } catch (e) { setField(view, 'error', e.message, 'error'); throw e; }
      }));
      polls++;
      document.body.dataset.polls = String(polls);
      const failed = results.filter(r => r.status === 'rejected');
      if (failed.length) setStatus('error', `${failed.length} of ${results.length} pipelines failed to update: ${failed[0].reason.message}`);
      else setStatus('ok', `live · updated ${new Date().toLocaleTimeString([], { hour12: false })}`);
      await sleep(Math.max(100, POLL_MS - (performance.now() - started)));
    }
  }

  run();
})();
