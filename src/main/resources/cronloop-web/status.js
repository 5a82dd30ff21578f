// cronloop status page: reads api/status every few seconds and draws jobs, 24-hour charts,
// recent failures and invalid job files. Plain DOM and inline SVG; no library, nothing remote.
// Every value from the server goes in through textContent, never as HTML.
(function () {
  'use strict';
  var REFRESH_MS = 5000;
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 240, H = 56;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function ago(iso, now) {
    if (!iso) { return 'never'; }
    var s = Math.round((now - Date.parse(iso)) / 1000);
    var future = s < 0;
    s = Math.abs(s);
    var t = s < 60 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min' : s < 86400 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d';
    return future ? 'in ' + t : t + ' ago';
  }

  function local(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

  // One slot per bucket over the window, oldest left, so that gaps show as gaps.
  function slots(data, job) {
    var step = data.bucketSeconds * 1000;
    var end = Date.parse(data.now);
    var first = Math.floor(Date.parse(data.since) / step) * step;
    var n = Math.max(1, Math.ceil((end - first) / step));
    var out = [];
    for (var i = 0; i < n; i++) { out.push(null); }
    job.stats.buckets.forEach(function (b) {
      var i = Math.floor((Date.parse(b.start) - first) / step);
      if (i >= 0 && i < n) { out[i] = b; }
    });
    return out;
  }

  function emptyChart(box) {
    box.setAttribute('data-empty', 'true');
  }

  function successChart(s) {
    var box = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img', 'class': 'success-chart' });
    var max = 0;
    s.forEach(function (b) { if (b && b.total > max) { max = b.total; } });
    if (max === 0) { emptyChart(box); return box; }
    var bw = W / s.length;
    s.forEach(function (b, i) {
      if (!b) { return; }
      var h = Math.max(2, (b.total / max) * (H - 4));
      var okH = h * b.ok / b.total;
      var x = i * bw + bw * 0.1, w = Math.max(1, bw * 0.8);
      var title = svg('title', {});
      title.textContent = local(b.start) + ': ' + b.ok + ' of ' + b.total + ' ok';
      if (okH > 0) {
        var ok = svg('rect', { x: x, y: H - okH, width: w, height: okH, 'class': 'bar-ok' });
        ok.appendChild(title.cloneNode(true));
        box.appendChild(ok);
      }
      if (h - okH > 0) {
        var bad = svg('rect', { x: x, y: H - h, width: w, height: h - okH, 'class': 'bar-bad' });
        bad.appendChild(title);
        box.appendChild(bad);
      }
    });
    return box;
  }

  // Mean latency per bucket as bars; the bar's tooltip gives the mean and the maximum.
  function latencyChart(s) {
    var box = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img', 'class': 'latency-chart' });
    var max = 0;
    s.forEach(function (b) { if (b && b.avgLatencyMs > max) { max = b.avgLatencyMs; } });
    if (!s.some(function (b) { return b; })) { emptyChart(box); return box; }
    max = Math.max(max, 1);
    var bw = W / s.length;
    s.forEach(function (b, i) {
      if (!b) { return; }
      var h = Math.max(2, (b.avgLatencyMs / max) * (H - 4));
      var r = svg('rect', { x: i * bw + bw * 0.1, y: H - h, width: Math.max(1, bw * 0.8), height: h, 'class': 'bar-lat' });
      var t = svg('title', {});
      t.textContent = local(b.start) + ': mean ' + b.avgLatencyMs + ' ms, max ' + b.maxLatencyMs + ' ms';
      r.appendChild(t);
      box.appendChild(r);
    });
    return box;
  }

  function chart(title, value, drawing) {
    var c = el('div', { 'class': 'chart' });
    var h = el('h4');
    h.appendChild(el('span', null, title));
    h.appendChild(el('b', null, value));
    c.appendChild(h);
    var frame = el('div', { 'class': 'frame' });
    frame.appendChild(drawing);
    if (drawing.getAttribute('data-empty')) { frame.appendChild(el('span', { 'class': 'nodata' }, 'no requests in 24 h')); }
    c.appendChild(frame);
    var axis = el('div', { 'class': 'axis' });
    axis.appendChild(el('span', null, '24 h ago'));
    axis.appendChild(el('span', null, 'now'));
    c.appendChild(axis);
    return c;
  }

  function jobCard(job, data, now) {
    var card = el('article', { 'class': 'job', 'data-job': job.id });
    var head = el('header');
    head.appendChild(el('h3', null, job.id));
    head.appendChild(el('span', { 'class': 'badge ' + job.state }, job.state === 'invalid' ? 'INVALID' : job.state));
    card.appendChild(head);
    if (job.state === 'invalid' && job.problems && job.problems.length) {
      // The file broke after it loaded: say what is wrong and what still runs.
      var box = el('div', { 'class': 'card-problems', role: 'alert' });
      box.appendChild(el('p', null, 'The file does not load; the last good version keeps running until it is fixed.'));
      var list = el('ul');
      job.problems.forEach(function (p) { list.appendChild(el('li', null, p.text)); });
      box.appendChild(list);
      card.appendChild(box);
    }

    var facts = el('dl', { 'class': 'facts' });
    function fact(name, value, extra) {
      facts.appendChild(el('dt', null, name));
      var dd = el('dd', null, value);
      if (extra) { dd.appendChild(document.createTextNode(' ')); dd.appendChild(extra); }
      facts.appendChild(dd);
      return dd;
    }
    var def = job.definition;
    var zone = def.zone !== 'UTC' ? ' (' + def.zone + ')' : '';
    if (def.scheduleText === def.schedule) {
      fact('Schedule', '', el('code', null, def.schedule + zone));
    } else {
      fact('Schedule', def.scheduleText, el('code', null, def.schedule + zone));
    }
    var next = job.nextFires[0];
    var nextText = next ? ago(next, now) : job.state === 'scheduled' ? 'none' : job.state;
    fact('Next fire', nextText).title = local(next);
    var last = job.lastRun;
    if (last) {
      var badge = el('span', { 'class': 'badge ' + last.status }, last.status);
      var dd = fact('Last run', '', null);
      dd.appendChild(badge);
      dd.appendChild(document.createTextNode(' ' + last.ok + '/' + last.requests + ' ok, ' + ago(last.finishedAt || last.firedAt, now)));
      dd.title = local(last.finishedAt || last.firedAt);
    } else {
      fact('Last run', 'none yet');
    }
    fact('Requests', def.requests.length + (def.requests.length === 1 ? ' request' : ' requests') + ', concurrency ' + def.concurrency);
    card.appendChild(facts);

    var s = slots(data, job);
    var rate = job.stats.fetches ? (100 * job.stats.ok / job.stats.fetches) : null;
    var rateText = rate === null ? '—' : (rate % 1 === 0 ? rate.toFixed(0) : rate.toFixed(1)) + ' %';
    var lat = 0, n = 0;
    job.stats.buckets.forEach(function (b) { lat += b.avgLatencyMs * b.total; n += b.total; });
    var charts = el('div', { 'class': 'charts' });
    charts.appendChild(chart('Success, 24 h', rateText, successChart(s)));
    charts.appendChild(chart('Latency, 24 h', n ? Math.round(lat / n) + ' ms' : '—', latencyChart(s)));
    card.appendChild(charts);
    return card;
  }

  function render(data) {
    var now = Date.parse(data.now);
    var jobs = document.getElementById('jobs');
    jobs.replaceChildren.apply(jobs, data.jobs.map(function (j) { return jobCard(j, data, now); }));
    if (data.jobs.length === 0) { jobs.appendChild(el('p', { 'class': 'empty' }, 'No jobs loaded.')); }

    var paused = data.jobs.filter(function (j) { return j.state === 'paused'; }).length;
    var invalid = data.jobs.filter(function (j) { return j.state === 'invalid'; }).length;
    document.getElementById('summary').textContent =
      data.jobs.length + ' jobs' + (paused ? ', ' + paused + ' paused' : '') +
      (invalid ? ', ' + invalid + ' invalid' : '') +
      (data.problems.length ? ', ' + data.problems.length + ' problems in job files' : '') +
      ' · scheduler ' + (data.scheduler ? 'running' : 'stopped');

    var probs = document.getElementById('problems');
    probs.replaceChildren.apply(probs, data.problems.map(function (p) { return el('li', null, p.text); }));
    document.getElementById('problems-section').hidden = data.problems.length === 0;

    var table = document.getElementById('failures');
    var body = table.tBodies[0];
    body.replaceChildren.apply(body, data.failures.map(function (f) {
      var tr = el('tr');
      tr.appendChild(el('td', { 'data-label': 'When', title: local(f.finishedAt) }, ago(f.finishedAt, now)));
      tr.appendChild(el('td', { 'data-label': 'Job' }, f.job));
      tr.appendChild(el('td', { 'data-label': 'Request' }, f.method + ' ' + f.url));
      tr.appendChild(el('td', { 'data-label': 'Outcome', 'class': 'outcome' }, f.outcome));
      tr.appendChild(el('td', { 'data-label': 'Reason' }, (f.error || '') + (f.statusCode ? ' (HTTP ' + f.statusCode + ')' : '')));
      return tr;
    }));
    table.hidden = data.failures.length === 0;
    document.getElementById('no-failures').hidden = data.failures.length !== 0;
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.setAttribute('data-loaded', 'true');
  }

  function refresh() {
    fetch('api/status', { headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) { throw new Error('api/status answered ' + r.status); }
        return r.json();
      })
      .then(render)
      .catch(function (e) {
        document.getElementById('updated').textContent = 'cannot reach cronloop (' + e.message + '); retrying';
      })
      .then(function () { setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
})();
