// A job's card: state, schedule, next fire, last run, health, uptime, history strip, charts and
// the actions. An INVALID job's card says what is wrong, FILE:LINE:COL.
import { el, ago, local, percent } from './dom.js';
import { strip } from './strip.js';
import { charts } from './charts.js';
import { actions } from './actions.js';

function badge(text, cls) { return el('span', { class: 'badge ' + cls }, text); }

function facts(job, now) {
  const dl = el('dl', { class: 'facts' });
  const fact = (name, value, extra) => {
    dl.appendChild(el('dt', null, name));
    const dd = el('dd', null, value);
    if (extra) { dd.append(' ', extra); }
    dl.appendChild(dd);
    return dd;
  };
  const def = job.definition;
  const zone = def.zone !== 'UTC' ? ' (' + def.zone + ')' : '';
  fact('Schedule', def.scheduleText === def.schedule ? '' : def.scheduleText, el('code', null, def.schedule + zone));
  const next = job.nextFires[0];
  fact('Next fire', next ? ago(next, now) : job.state === 'scheduled' ? 'none' : job.state).title = local(next);
  const last = job.lastRun;
  if (last) {
    const dd = fact('Last run', '');
    const link = el('a', { href: '#/runs/' + last.id, 'data-focus': 'last-' + job.id });
    link.append(badge(last.status, last.status), ' ' + last.ok + '/' + last.requests + ' ok, ' + ago(last.finishedAt || last.firedAt, now));
    dd.appendChild(link);
    dd.title = local(last.finishedAt || last.firedAt);
    if (last.reason) { dd.appendChild(el('div', { class: 'reason' }, last.reason)); }
  } else {
    fact('Last run', 'none yet');
  }
  health(job, now, fact);
  fact('Requests', def.requests.length + (def.requests.length === 1 ? ' request' : ' requests') + ', concurrency ' + def.concurrency);
  return dl;
}

// Health and the last notice arrive with notifications; shown when the job has them.
function health(job, now, fact) {
  if (job.health) {
    const h = typeof job.health === 'string' ? { state: job.health } : job.health;
    const text = (h.state || h.status || '') + (h.since ? ' since ' + local(h.since) : '');
    fact('Health', text).className = 'health ' + (h.state || h.status || '');
  }
  if (job.lastNotice) {
    const n = typeof job.lastNotice === 'string' ? { text: job.lastNotice } : job.lastNotice;
    const at = n.at || n.sentAt || n.time;
    fact('Last notice', [n.kind || n.event, n.text || n.message || n.summary, at ? ago(at, now) : null].filter(Boolean).join(' · '));
  }
}

function uptime(job) {
  const u = job.uptime;
  const box = el('dl', { class: 'uptime', 'aria-label': 'uptime of scheduled runs' });
  [['24h', '24 h'], ['7d', '7 d'], ['30d', '30 d']].forEach(([k, label]) => {
    box.appendChild(el('dt', null, label));
    box.appendChild(el('dd', { title: u[k].ok + ' of ' + u[k].runs + ' scheduled runs OK' }, percent(u[k].percent)));
  });
  return box;
}

function problems(job) {
  const box = el('div', { class: 'card-problems', role: 'alert' });
  box.appendChild(el('p', null, 'The file does not load; the last good version keeps running until it is fixed.'));
  const list = el('ul');
  job.problems.forEach((p) => list.appendChild(el('li', null, p.text)));
  box.appendChild(list);
  return box;
}

export function card(job, data, now) {
  const c = el('article', { class: 'job' + (job.failing ? ' failing' : ''), 'data-job': job.id, 'data-state': job.state, 'aria-labelledby': 'job-' + job.id });
  const head = el('header');
  head.appendChild(el('h3', { id: 'job-' + job.id }, job.id));
  if (job.failing) { head.appendChild(badge('failing', 'FAILED')); }
  head.appendChild(badge(job.state === 'invalid' ? 'INVALID' : job.state, job.state));
  c.appendChild(head);
  if (job.state === 'invalid' && job.problems.length) { c.appendChild(problems(job)); }
  c.appendChild(facts(job, now));
  c.appendChild(uptime(job));
  c.appendChild(strip(job));
  c.appendChild(charts(job, data.now));
  c.appendChild(actions(job));
  return c;
}
