// Small DOM and formatting helpers. Every value from the server goes in through textContent,
// never as HTML.

export function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null && v !== false) { e.setAttribute(k, v === true ? '' : String(v)); }
  }
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  return e;
}

export function ago(iso, now) {
  if (!iso) { return 'never'; }
  let s = Math.round((now - Date.parse(iso)) / 1000);
  const future = s < 0;
  s = Math.abs(s);
  const t = s < 60 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min'
    : s < 86400 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d';
  return future ? 'in ' + t : t + ' ago';
}

export function local(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

export function ms(n) {
  if (n === null || n === undefined) { return '—'; }
  return n < 1000 ? n + ' ms' : (n / 1000).toFixed(n < 10000 ? 2 : 1) + ' s';
}

export function percent(p) {
  return p === null || p === undefined ? '—' : (p % 1 === 0 ? p.toFixed(0) : p.toFixed(1)) + ' %';
}

// The element that has the focus, by its data-focus key, so that a re-render can give it back.
export function focusKey() {
  const a = document.activeElement;
  return a && a.getAttribute ? a.getAttribute('data-focus') : null;
}

export function restoreFocus(key) {
  if (!key) { return; }
  const e = document.querySelector('[data-focus="' + CSS.escape(key) + '"]');
  if (e) { e.focus({ preventScroll: true }); }
}
