// Charts drawn by uPlot (served from the jar, never from a CDN): fetches that passed and failed,
// and latency, per bucket. The server picks each job's bucket width from the span of its data,
// so a job with a few minutes of history gets a few minutes of narrow buckets.
import { el, ms, percent } from './dom.js';

const live = new Map(); // chart key → uPlot, so a refresh updates instead of redrawing

function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

// One slot per bucket from the chart's start to now, so that gaps show as gaps.
export function slots(stats, nowIso) {
  const step = stats.bucketSeconds;
  const first = Date.parse(stats.from) / 1000;
  const end = Date.parse(nowIso) / 1000;
  const n = Math.max(1, Math.floor((end - first) / step) + 1);
  const xs = [], total = [], ok = [], mean = [], max = [];
  for (let i = 0; i < n; i++) { xs.push(first + i * step); total.push(null); ok.push(null); mean.push(null); max.push(null); }
  stats.buckets.forEach((b) => {
    const i = Math.floor((Date.parse(b.start) / 1000 - first) / step);
    if (i >= 0 && i < n) { total[i] = b.total; ok[i] = b.ok; mean[i] = b.avgLatencyMs; max[i] = b.maxLatencyMs; }
  });
  return { xs, total, ok, mean, max };
}

function span(seconds) {
  return seconds < 60 ? seconds + ' s' : seconds < 3600 ? Math.round(seconds / 60) + ' min' : Math.round(seconds / 3600) + ' h';
}

function options(kind, width) {
  const bars = uPlot.paths.bars({ size: [0.8, 24] });
  const series = kind === 'success'
    ? [{ label: 'requests', stroke: css('--bad'), fill: css('--bad'), paths: bars, points: { show: false } },
       { label: 'ok', stroke: css('--ok'), fill: css('--ok'), paths: bars, points: { show: false } }]
    : [{ label: 'mean', stroke: css('--accent'), fill: css('--accent'), paths: bars, points: { show: false }, value: (u, v) => ms(v) },
       { label: 'max', stroke: css('--muted'), width: 1, spanGaps: false, points: { show: false }, value: (u, v) => ms(v) }];
  return {
    width, height: 80,
    legend: { show: true, live: true },
    cursor: { y: false, points: { show: false } },
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [0, Math.max(1, hi)] } },
    axes: [{ show: false }, { show: false }],
    series: [{ label: 'time' }].concat(series),
  };
}

function chart(key, kind, title, value, data, width, caption) {
  const c = el('figure', { class: 'chart ' + kind + '-chart' });
  const h = el('figcaption');
  h.appendChild(el('span', null, title));
  h.appendChild(el('b', null, value));
  c.appendChild(h);
  const frame = el('div', { class: 'frame', 'data-chart': key, role: 'img', 'aria-label': title + ': ' + value + '; ' + caption });
  c.appendChild(frame);
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
  axis.appendChild(el('span', null, caption));
  axis.appendChild(el('span', null, 'now'));
  c.appendChild(axis);
  let plot = live.get(key);
  if (plot) {
    plot.setData(data);
    frame.appendChild(plot.root);
  } else {
    // Drawn once the frame is in the page and has a width.
    requestAnimationFrame(() => {
      plot = new uPlot(options(kind, Math.max(120, frame.clientWidth || width)), data, frame);
      live.set(key, plot);
    });
  }
  return c;
}

// Forgets the charts of cards that left the page.
export function prune(keep) {
  for (const [key, plot] of live) {
    if (!keep.has(key.split('|')[0])) { plot.destroy(); live.delete(key); }
  }
}

export function charts(job, nowIso) {
  const box = el('div', { class: 'charts' });
  const st = job.stats;
  if (!st.fetches) {
    box.appendChild(el('p', { class: 'nodata' }, 'no requests in 24 h'));
    return box;
  }
  const s = slots(st, nowIso);
  const caption = span(s.xs.length * st.bucketSeconds) + ' in ' + span(st.bucketSeconds) + ' buckets';
  box.appendChild(chart(job.id + '|ok', 'success', 'Requests ok', percent(Math.floor(1000 * st.ok / st.fetches) / 10),
    [s.xs, s.total, s.ok], 160, caption));
  let lat = 0;
  st.buckets.forEach((b) => { lat += b.avgLatencyMs * b.total; });
  box.appendChild(chart(job.id + '|lat', 'latency', 'Latency', ms(Math.round(lat / st.fetches)),
    [s.xs, s.mean, s.max], 160, caption));
  return box;
}
