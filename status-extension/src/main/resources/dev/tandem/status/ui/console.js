// Tandem's console: the projects of this Connect cluster, from the status API next to this page
// (../v1/projects), redrawn every 5 seconds. Every number shown carries data-field (and the link's
// name in data-link) so tests and scripts can read it.
(function () {
  'use strict';
  var API = '../v1/projects';

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }

  function field(link, name, value, text) {
    return el('span', { 'data-link': link, 'data-field': name, 'data-value': value === null || value === undefined ? '' : String(value),
      text: text !== undefined ? text : (value === null || value === undefined ? '–' : String(value)) });
  }

  function time(ms) { return ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '–'; }
  function duration(ms) {
    if (ms === null || ms === undefined) { return '–'; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 60000) { return (ms / 1000).toFixed(1) + ' s'; }
    return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
  }

  function step(link, s) {
    // a step without a measure of progress (incremental runs on) shows a full bar while it runs
    var progress = s.progress === null || s.progress === undefined ? (s.status === 'RUNNING' ? 100 : 0) : s.progress;
    var label = s.name === 'full' && s.rowsCopied !== undefined ? s.rowsCopied + ' rows' : s.status;
    if (s.name === 'verification' && s.result) { label = s.result; }
    return el('div', { 'class': 'step ' + s.status, 'data-step': s.name }, [
      el('span', { text: s.name }),
      el('div', { 'class': 'bar', title: s.status }, [el('div', { style: 'width:' + Math.max(0, Math.min(100, progress)) + '%' })]),
      field(link, 'step-' + s.name, s.status, label)
    ]);
  }

  function chart(history) {
    var w = 600, h = 120, now = Date.now(), from = now - 3600 * 1000;
    var points = (history || []).filter(function (p) { return p[0] >= from; });
    var max = Math.max(1000, Math.max.apply(null, points.map(function (p) { return p[1]; }).concat([0])));
    var svg = '<svg viewBox="0 0 ' + w + ' ' + h + '" preserveAspectRatio="none" role="img" aria-label="delay over the last hour">';
    if (points.length) {
      svg += '<polyline fill="none" stroke="#3b82c4" stroke-width="2" points="' + points.map(function (p) {
        return ((p[0] - from) / 3600000 * w).toFixed(1) + ',' + (h - 4 - p[1] / max * (h - 16)).toFixed(1);
      }).join(' ') + '"/>';
    }
    svg += '<text x="4" y="12" font-size="11" fill="#6b7785">max ' + duration(max) + '</text>';
    svg += '<text x="' + (w - 4) + '" y="' + (h - 4) + '" font-size="11" fill="#6b7785" text-anchor="end">now</text>';
    svg += '<text x="4" y="' + (h - 4) + '" font-size="11" fill="#6b7785">−1 h</text></svg>';
    var div = el('div', { 'class': 'chart' });
    div.innerHTML = svg;
    return div;
  }

  function linkView(l) {
    var full = (l.steps || []).filter(function (s) { return s.name === 'full'; })[0];
    var verify = (l.steps || []).filter(function (s) { return s.name === 'verification'; })[0] || {};
    var facts = el('dl', { 'class': 'facts' }, [
      el('dt', { text: 'current step' }), el('dd', {}, [field(l.name, 'currentStep', l.currentStep)]),
      el('dt', { text: 'checkpoint' }), el('dd', {}, [field(l.name, 'checkpoint', l.checkpoint, time(l.checkpoint))]),
      el('dt', { text: 'delay' }), el('dd', {}, [field(l.name, 'delayMs', l.delayMs, duration(l.delayMs))]),
      el('dt', { text: 'rows copied' }), el('dd', {}, [field(l.name, 'rowsCopied', full ? full.rowsCopied : null)]),
      el('dt', { text: 'conflicts' }), el('dd', {}, [field(l.name, 'conflicts', l.conflicts)]),
      el('dt', { text: 'dead letters' }), el('dd', {}, [field(l.name, 'deadLetters', l.deadLetters)]),
      el('dt', { text: 'last verification' }), el('dd', {}, [field(l.name, 'verification', verify.result || verify.status,
        verify.result ? verify.result + (verify.differences ? ' (' + verify.differences + ' differences)' : '') + ', ' + time(verify.finishedAt)
          : 'not run')]),
      el('dt', { text: 'switchover' }), el('dd', {}, [field(l.name, 'switchover', l.switchover && l.switchover.ready,
        l.switchover && l.switchover.ready ? 'ready' : 'not ready: ' + ((l.switchover && l.switchover.reasons) || []).join('; '))])
    ]);
    var tables = null;
    if (full && full.tables && full.tables.length) {
      tables = el('table', { 'class': 'tables' }, [el('tr', {}, [el('th', { text: 'table' }), el('th', { text: 'copied' }), el('th', { text: 'estimated' })])]
        .concat(full.tables.map(function (t) {
          return el('tr', {}, [el('td', { text: t.table }), el('td', { text: String(t.rowsCopied) }), el('td', { text: String(t.rowsEstimated) })]);
        })));
    }
    return el('section', { 'class': 'link', 'data-link': l.name }, [
      el('h3', {}, [el('span', { text: (l.source || '(outside source)') + ' → ' + (l.sinks || []).join(', ') }),
        el('span', { 'class': 'badge ' + l.status, 'data-link': l.name, 'data-field': 'status', 'data-value': l.status, text: l.status }),
        el('span', { 'class': 'muted', text: l.kind === 'sync' ? 'delivery' : 'migration' })]),
      el('div', { 'class': 'grid' }, [
        el('div', {}, (l.steps || []).map(function (s) { return step(l.name, s); }).concat([facts, tables])),
        el('div', {}, [el('div', { 'class': 'muted', text: 'delay, last hour' }), chart(l.delayHistory)])
      ])
    ]);
  }

  function projectView(p) {
    var children = [el('h2', {}, [el('span', { text: p.name }),
      el('span', { 'class': 'badge ' + p.status, 'data-project': p.name, 'data-field': 'project-status', 'data-value': p.status,
        text: p.status })])];
    if (p.lastError) {
      children.push(el('div', { 'class': 'error', 'data-field': 'lastError',
        text: p.lastError.connector + (p.lastError.task !== null ? ' task ' + p.lastError.task : '') + ': ' + p.lastError.cause }));
    }
    (p.links || []).forEach(function (l) { children.push(linkView(l)); });
    return el('article', { 'class': 'project', 'data-project': p.name }, children);
  }

  function draw(projects) {
    var main = document.getElementById('projects');
    main.innerHTML = '';
    if (!projects.length) {
      main.appendChild(el('p', { 'class': 'muted', text: 'No project yet: give connectors the option tandem.project.' }));
    }
    projects.forEach(function (p) { main.appendChild(projectView(p)); });
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.setAttribute('data-loaded', 'true');
  }

  function refresh() {
    fetch(API, { headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(draw)
      .catch(function (e) {
        document.getElementById('updated').textContent = 'cannot read ' + API + ': ' + e.message;
      });
  }

  refresh();
  setInterval(refresh, 5000);
}());
