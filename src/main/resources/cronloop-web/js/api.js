// Reads and the token-protected calls. The token is asked for once, when the API first answers
// 401, and kept in this tab's session storage only.
const TOKEN_KEY = 'cronloop.token';

export async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) { throw new Error(body.error || path + ' answered ' + r.status); }
  return body;
}

function headers() {
  const h = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) { h.Authorization = 'Bearer ' + token; }
  return h;
}

// POSTs and returns {ok, status, body}; on a 401 asks for the token once and tries again.
export async function post(path) {
  let r = await fetch(path, { method: 'POST', headers: headers() });
  if (r.status === 401 && await askToken()) {
    r = await fetch(path, { method: 'POST', headers: headers() });
  }
  const body = await r.json().catch(() => ({}));
  return { ok: r.ok, status: r.status, body };
}

function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok' && input.value.trim() !== '';
      if (ok) { sessionStorage.setItem(TOKEN_KEY, input.value.trim()); }
      resolve(ok);
    }, { once: true });
    dialog.showModal();
  });
}
