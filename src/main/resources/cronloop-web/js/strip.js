// The history strip: a job's last runs as small bars, oldest left, newest right. Each bar is a
// link to its run; its status shows as colour, as shape (height and pattern, see status.css) and
// as text (the tooltip and the accessible name).
import { el, local, ms } from './dom.js';

export const STATUSES = ['OK', 'PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED', 'INTERRUPTED', 'RUNNING'];

function describe(run) {
  const parts = ['run ' + run.id + ': ' + run.status, 'fired ' + local(run.firedAt)];
  if (run.trigger !== 'SCHEDULE') { parts.push(run.trigger.toLowerCase()); }
  parts.push('took ' + ms(run.durationMs));
  parts.push(run.ok + '/' + run.requests + ' ok');
  if (run.reason) { parts.push(run.reason); }
  return parts.join(', ');
}

export function strip(job) {
  const box = el('ol', { class: 'strip', 'aria-label': 'last ' + job.history.length + ' runs of ' + job.id + ', oldest first' });
  job.history.forEach((run) => {
    const li = el('li');
    const a = el('a', {
      class: 'bar', href: '#/runs/' + run.id,
      'data-run': run.id, 'data-status': run.status, 'data-focus': 'run-' + run.id,
      title: describe(run), 'aria-label': describe(run),
    });
    a.appendChild(el('span', { class: 'glyph', 'aria-hidden': 'true' }, glyph(run.status)));
    li.appendChild(a);
    box.appendChild(li);
  });
  if (job.history.length === 0) { return el('p', { class: 'nodata' }, 'no runs yet'); }
  return box;
}

// One letter per status, drawn in the bar where it is tall enough (print, zoom, high contrast).
function glyph(status) {
  return { OK: '', PARTIAL: '½', FAILED: '×', SKIPPED: '–', CANCELLED: 'c', INTERRUPTED: '!', RUNNING: '…' }[status] || '?';
}

export function legend() {
  const l = el('ul', { class: 'legend', 'aria-label': 'run statuses' });
  STATUSES.forEach((s) => {
    const li = el('li');
    li.appendChild(el('span', { class: 'bar sample', 'data-status': s, 'aria-hidden': 'true' }));
    li.appendChild(document.createTextNode(s.toLowerCase()));
    l.appendChild(li);
  });
  return l;
}
