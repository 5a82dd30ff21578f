// Run now, Pause and Resume on a job card, through the token-protected API. Each action's
// result stays on the card (and is read out) until the next action on that job.
import { el } from './dom.js';
import { post } from './api.js';

let after = () => {};

// What to do once an action is done (refresh the page).
export function onActionDone(fn) { after = fn; }

function button(job, verb, label) {
  const b = el('button', { type: 'button', 'data-action': verb, 'data-focus': verb + '-' + job.id }, label);
  b.addEventListener('click', () => act(job.id, verb, b));
  return b;
}

const results = new Map(); // job id → {ok, text, run}

async function act(id, verb, b) {
  b.disabled = true;
  let r;
  try {
    r = await post('api/jobs/' + encodeURIComponent(id) + '/' + verb);
  } catch (e) {
    r = { ok: false, status: 0, body: { error: 'cannot reach cronloop (' + e.message + ')' } };
  }
  results.set(id, message(verb, r));
  b.disabled = false;
  after();
}

function message(verb, r) {
  if (!r.ok) { return { ok: false, text: verb + ' failed: ' + (r.body.error || 'HTTP ' + r.status) }; }
  if (verb === 'trigger') { return { ok: true, text: 'run ' + r.body.run + ' started', run: r.body.run }; }
  return { ok: true, text: verb === 'pause' ? 'paused' : 'resumed' };
}

export function actions(job) {
  const box = el('div', { class: 'actions' });
  box.appendChild(button(job, 'trigger', 'Run now'));
  box.appendChild(job.paused ? button(job, 'resume', 'Resume') : button(job, 'pause', 'Pause'));
  const out = el('p', { class: 'result', role: 'status', 'data-result': job.id });
  const r = results.get(job.id);
  if (r) {
    out.classList.add(r.ok ? 'ok' : 'bad');
    out.textContent = (r.ok ? '✓ ' : '✗ ') + r.text + ' ';
    if (r.run) { out.appendChild(el('a', { href: '#/runs/' + r.run, 'data-focus': 'result-' + job.id }, 'open run')); }
  }
  box.appendChild(out);
  return box;
}
