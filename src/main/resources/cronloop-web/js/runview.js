// One run and its fetches at #/runs/ID: URL, outcome, status, latency, attempts, reason and the
// captured body when there is one; sortable by any column, filterable by outcome.
import { el, local, ms } from './dom.js';
import { getJson } from './api.js';
import { jobsHash } from './jobsview.js';

const COLUMNS = [
  ['url', 'URL'], ['outcome', 'Outcome'], ['statusCode', 'Status'], ['latencyMs', 'Latency'],
  ['attempts', 'Attempts'], ['error', 'Reason'],
];

const view = { run: null, sort: 'outcome', desc: false, outcome: '' };

export async function showRun(id) {
  const box = document.getElementById('run-view');
  box.replaceChildren(el('p', { class: 'empty' }, 'loading run ' + id + '…'));
  try {
    view.run = await getJson('api/runs/' + encodeURIComponent(id));
  } catch (e) {
    box.replaceChildren(el('h2', { id: 'run-title' }, 'Run ' + id), el('p', { class: 'error', role: 'alert' }, e.message), back());
    return;
  }
  view.outcome = '';
  draw(box);
  box.focus();
}

function back() {
  const p = el('p');
  p.appendChild(el('a', { href: jobsHash() }, '← all jobs'));
  return p;
}

function summary(run) {
  const dl = el('dl', { class: 'facts' });
  const add = (k, v) => { dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); };
  add('Job', run.job);
  add('Status', run.status);
  add('Trigger', run.trigger);
  add('Fired', local(run.firedAt));
  add('Duration', ms(run.durationMs));
  add('Requests', run.ok + ' of ' + run.requests + ' ok, ' + run.failed + ' failed');
  if (run.reason) { add('Reason', run.reason); }
  if (run.node) { add('Node', run.node); }
  return dl;
}

function filter(box) {
  const outcomes = [...new Set(view.run.fetches.map((f) => f.outcome))].sort();
  const label = el('label', { for: 'outcome-filter' }, 'Outcome ');
  const select = el('select', { id: 'outcome-filter', 'data-focus': 'outcome-filter' });
  select.appendChild(el('option', { value: '' }, 'all (' + view.run.fetches.length + ')'));
  outcomes.forEach((o) => {
    const n = view.run.fetches.filter((f) => f.outcome === o).length;
    select.appendChild(el('option', { value: o, selected: o === view.outcome }, o + ' (' + n + ')'));
  });
  select.addEventListener('change', () => { view.outcome = select.value; draw(box, 'outcome-filter'); });
  label.appendChild(select);
  return label;
}

function compare(a, b) {
  const x = a[view.sort], y = b[view.sort];
  if (x === y) { return 0; }
  if (x === null || x === undefined) { return 1; }
  if (y === null || y === undefined) { return -1; }
  const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
  return view.desc ? -c : c;
}

function head(box) {
  const tr = el('tr');
  COLUMNS.forEach(([key, name]) => {
    const th = el('th', { scope: 'col', 'aria-sort': view.sort === key ? (view.desc ? 'descending' : 'ascending') : 'none' });
    const b = el('button', { type: 'button', 'data-sort': key, 'data-focus': 'sort-' + key }, name + (view.sort === key ? (view.desc ? ' ▼' : ' ▲') : ''));
    b.addEventListener('click', () => {
      view.desc = view.sort === key ? !view.desc : false;
      view.sort = key;
      draw(box, 'sort-' + key);
    });
    th.appendChild(b);
    tr.appendChild(th);
  });
  const thead = el('thead');
  thead.appendChild(tr);
  return thead;
}

function row(f, i) {
  const tr = el('tr', { 'data-fetch': i, 'data-outcome': f.outcome, class: f.outcome === 'OK' ? 'ok' : 'bad' });
  tr.appendChild(el('td', { 'data-label': 'URL' }, f.method + ' ' + f.url));
  tr.appendChild(el('td', { 'data-label': 'Outcome', class: 'outcome' }, (f.outcome === 'OK' ? '✓ ' : '✗ ') + f.outcome));
  tr.appendChild(el('td', { 'data-label': 'Status' }, f.statusCode === null ? '—' : f.statusCode));
  tr.appendChild(el('td', { 'data-label': 'Latency' }, ms(f.latencyMs)));
  tr.appendChild(el('td', { 'data-label': 'Attempts' }, f.attempts));
  const reason = el('td', { 'data-label': 'Reason' }, f.error || '');
  if (f.body !== undefined && f.body !== null) {
    const d = el('details');
    d.appendChild(el('summary', null, 'body'));
    d.appendChild(el('pre', { class: 'body' }, typeof f.body === 'string' ? f.body : JSON.stringify(f.body, null, 2)));
    reason.appendChild(d);
  }
  tr.appendChild(reason);
  return tr;
}

function draw(box, focus) {
  const run = view.run;
  const title = el('h2', { id: 'run-title' }, 'Run ' + run.id + ' of ' + run.job + ' — ' + run.status);
  const table = el('table', { class: 'fetches' });
  table.appendChild(el('caption', null, 'Requests of run ' + run.id));
  table.appendChild(head(box));
  const body = el('tbody');
  run.fetches.map((f, i) => [f, i])
    .filter(([f]) => !view.outcome || f.outcome === view.outcome)
    .sort(([a], [b]) => compare(a, b))
    .forEach(([f, i]) => body.appendChild(row(f, i)));
  table.appendChild(body);
  box.replaceChildren(back(), title, summary(run), filter(box), table);
  if (run.fetches.length === 0) { box.appendChild(el('p', { class: 'empty' }, 'This run made no requests.')); }
  if (focus) { box.querySelector('[data-focus="' + focus + '"]').focus(); }
}
