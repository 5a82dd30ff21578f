// cronloop status page. Routes: #/ the jobs (#/?q=&state=&offset= a search, filter and page of
// them), #/runs/ID one run. Reads api/status every few seconds while the jobs are shown. Nothing
// is loaded from outside this server.
import { load, setQuery, page, restore } from './jobsview.js';
import { showRun } from './runview.js';
import { onActionDone } from './actions.js';
import { legend } from './strip.js';

const REFRESH_MS = 5000;
let timer = null;

function report(e) {
  document.getElementById('updated').textContent = 'cannot reach cronloop (' + e.message + '); retrying';
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => refresh(), REFRESH_MS);
}

function refresh() {
  if (!document.getElementById('run-view').hidden) { return Promise.resolve(); }
  return load().catch(report).finally(schedule);
}

function route() {
  const m = /^#\/runs\/(\d+)$/.exec(location.hash);
  document.getElementById('jobs-view').hidden = !!m;
  document.getElementById('run-view').hidden = !m;
  if (m) {
    clearTimeout(timer);
    load().catch(report); // the header's counts and the title, once
    showRun(m[1]).then(() => document.body.setAttribute('data-loaded', 'true'));
  } else {
    restore(location.hash);
    refresh();
  }
}

function wire() {
  document.getElementById('jobs-title').after(legend());
  let typing = null;
  const search = document.getElementById('search');
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => setQuery({ q: search.value.trim(), offset: 0 }, true).catch(report), 200);
  });
  document.getElementById('toolbar').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('states').addEventListener('change', (e) => {
    setQuery({ state: e.target.value, offset: 0 }).catch(report);
  });
  document.getElementById('prev').addEventListener('click', () => page(-1).catch(report));
  document.getElementById('next').addEventListener('click', () => page(1).catch(report));
  onActionDone(() => refresh());
  window.addEventListener('hashchange', route);
}

wire();
route();
