// The list of jobs: one page of cards at a time (the server pages, filters and searches, so
// 10,000 jobs cost one page), the counts per state, the files that do not load and the failures
// of the last 24 hours grouped by job. The search, the state filter and the page live in the
// URL's hash (#/?q=orders&state=failing&offset=24), so a reload, a bookmark or the browser's back
// and forward buttons show the same jobs.
import { el, ago, local, focusKey, restoreFocus } from './dom.js';
import { getJson } from './api.js';
import { card } from './cards.js';
import { prune } from './charts.js';

export const PAGE = 24;
const STATES = ['failing', 'paused', 'invalid', 'disabled', 'scheduled'];
const query = { q: '', state: '', offset: 0 };
let last = null;

// The hash that shows the jobs as they are chosen now: #/ when nothing is.
export function jobsHash() {
  const params = new URLSearchParams();
  if (query.q) { params.set('q', query.q); }
  if (query.state) { params.set('state', query.state); }
  if (query.offset > 0) { params.set('offset', query.offset); }
  const s = params.toString();
  return s ? '#/?' + s : '#/';
}

// Takes the search, filter and page from a jobs hash (#/?q=..., or # and #/ for none) and shows
// them in the controls; a value the page does not know is left out.
export function restore(hash) {
  const at = hash.indexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
  const offset = Number.parseInt(params.get('offset') || '0', 10);
  query.q = (params.get('q') || '').trim();
  query.state = STATES.includes(params.get('state')) ? params.get('state') : '';
  query.offset = Number.isInteger(offset) && offset > 0 ? offset : 0;
  document.getElementById('search').value = query.q;
  const radio = document.querySelector('#states input[value="' + query.state + '"]');
  if (radio) { radio.checked = true; }
}

// Applies a change to the search, filter or page: a new history entry (replacing the current one
// while typing), then the jobs it selects.
export function setQuery(change, replace) {
  Object.assign(query, change);
  const hash = jobsHash();
  if (hash !== location.hash) {
    history[replace ? 'replaceState' : 'pushState'](null, '', hash);
  }
  return load();
}

export function page(step) {
  if (!last) { return Promise.resolve(); }
  const next = step > 0 ? last.nextOffset : Math.max(0, query.offset - PAGE);
  if (next === null || next === undefined) { return Promise.resolve(); }
  return setQuery({ offset: next }).then(() => document.getElementById('jobs').focus());
}

export async function load() {
  const params = new URLSearchParams({ limit: PAGE, offset: query.offset });
  if (query.q) { params.set('q', query.q); }
  if (query.state) { params.set('state', query.state); }
  const data = await getJson('api/status?' + params);
  last = data;
  render(data);
  // Which query the cards show, for tools and tests that wait for a filter to apply.
  document.getElementById('jobs').setAttribute('data-query', params.toString());
  return data;
}

function render(data) {
  const now = Date.parse(data.now);
  const focus = focusKey();
  const jobs = document.getElementById('jobs');
  jobs.replaceChildren(...data.jobs.map((j) => card(j, data, now)));
  prune(new Set(data.jobs.map((j) => j.id)));
  if (data.jobs.length === 0) {
    jobs.appendChild(el('p', { class: 'empty' }, data.counts.jobs ? 'No job matches.' : 'No jobs loaded.'));
  }
  const c = data.counts;
  const from = data.jobs.length ? data.offset + 1 : 0;
  document.getElementById('range').textContent = from + '–' + (data.offset + data.jobs.length) + ' of ' + c.matched;
  document.getElementById('prev').disabled = data.offset === 0;
  document.getElementById('next').disabled = data.nextOffset === null;
  document.querySelectorAll('[data-count]').forEach((s) => { s.textContent = '(' + (c[s.getAttribute('data-count')] || 0) + ')'; });
  summary(data);
  problems(data);
  failures(data, now);
  restoreFocus(focus);
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  if (!document.body.hasAttribute('data-loaded')) { performance.mark('cronloop-cards'); }
  document.body.setAttribute('data-loaded', 'true');
}

function summary(data) {
  const c = data.counts;
  const parts = [c.jobs + ' jobs'];
  if (c.failing) { parts.push(c.failing + ' failing'); }
  if (c.paused) { parts.push(c.paused + ' paused'); }
  if (c.invalid) { parts.push(c.invalid + ' invalid'); }
  if (data.problems.length) { parts.push(data.problems.length + ' problems in job files'); }
  document.getElementById('summary').textContent = parts.join(', ') + ' · scheduler ' + (data.scheduler ? 'running' : 'stopped');
  document.title = (c.failing ? '(' + c.failing + ' failing) ' : '') + 'cronloop';
}

function problems(data) {
  const list = document.getElementById('problems');
  list.replaceChildren(...data.problems.map((p) => el('li', null, p.text)));
  document.getElementById('problems-section').hidden = data.problems.length === 0;
}

function failures(data, now) {
  const table = document.getElementById('failures');
  table.tBodies[0].replaceChildren(...data.failuresByJob.map((g) => {
    const f = g.last;
    const tr = el('tr', { 'data-failures': g.job });
    tr.appendChild(el('td', { 'data-label': 'Job' }, g.job));
    tr.appendChild(el('td', { 'data-label': 'Failed' }, g.count));
    const when = el('td', { 'data-label': 'Latest', title: local(f.finishedAt) });
    when.appendChild(el('a', { href: '#/runs/' + f.run, 'data-focus': 'failure-' + g.job }, ago(f.finishedAt, now)));
    tr.appendChild(when);
    tr.appendChild(el('td', { 'data-label': 'Request' }, f.method + ' ' + f.url));
    tr.appendChild(el('td', { 'data-label': 'Outcome', class: 'outcome' }, '✗ ' + f.outcome));
    tr.appendChild(el('td', { 'data-label': 'Reason' }, (f.error || '') + (f.statusCode ? ' (HTTP ' + f.statusCode + ')' : '')));
    return tr;
  }));
  table.hidden = data.failuresByJob.length === 0;
  document.getElementById('no-failures').hidden = data.failuresByJob.length !== 0;
}
