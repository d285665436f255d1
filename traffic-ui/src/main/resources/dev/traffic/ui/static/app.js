// traffic web UI. Recorded traffic is hostile: every recorded string reaches the page as a text
// node (textContent / createTextNode), never as markup, an attribute that can run script, or a URL.
// The only URLs built here point at this UI's own paths, with recorded ids percent-encoded.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'href') e.setAttribute('href', v);
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('data-')) e.setAttribute(k, v);
        else if (k === 'title' || k === 'id' || k === 'type' || k === 'download' || k === 'alt' || k === 'src') e.setAttribute(k, v);
        else throw new Error('el: unexpected property ' + k);
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  const enc = encodeURIComponent;
  const params = () => new URLSearchParams(location.search);
  const currentQuery = () => params().get('q') || '';
  const withQ = (path, q) => (q ? path + '?q=' + enc(q) : path);
  const flowHref = (id, q) => withQ('/flow/' + enc(id), q);

  async function getJson(url) {
    const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await r.json(); } catch (e) { body = { error: { message: 'HTTP ' + r.status } }; }
    return { status: r.status, body };
  }

  function size(n) {
    if (n === undefined || n === null) return '';
    if (n < 1024) return n + 'B';
    if (n < 1048576) return (n / 1024).toFixed(1) + 'K';
    if (n < 1073741824) return (n / 1048576).toFixed(1) + 'M';
    return (n / 1073741824).toFixed(1) + 'G';
  }

  // ---------------------------------------------------------------- navigation

  function navigate(url, replace) {
    if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
    route();
  }

  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target.closest('a');
    if (!a || a.hasAttribute('download') || !a.hasAttribute('data-nav')) return;
    ev.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', route);

  let shownQuery = null; // the query the list currently shows
  let listScrollTop = 0;

  function route() {
    const path = location.pathname;
    const q = currentQuery();
    if (document.activeElement !== $('q')) $('q').value = q;
    $('nav-list').setAttribute('href', withQ('/', q));
    $('nav-session').setAttribute('href', withQ('/session', q));
    const list = $('list-view');
    if (!list.hidden) listScrollTop = $('list-scroll').scrollTop;
    if (path.startsWith('/flow/')) {
      list.hidden = true;
      $('session-view').hidden = true;
      $('detail-view').hidden = false;
      showDetail(decodeURIComponent(path.substring('/flow/'.length)));
    } else if (path === '/session') {
      list.hidden = true;
      $('detail-view').hidden = true;
      $('session-view').hidden = false;
      showSession(q);
    } else {
      $('detail-view').hidden = true;
      $('session-view').hidden = true;
      list.hidden = false;
      if (shownQuery !== q) loadList(q); else $('list-scroll').scrollTop = listScrollTop;
    }
  }

  // ---------------------------------------------------------------- filter

  $('filter-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('q').value.trim();
    const path = location.pathname === '/session' ? '/session' : '/';
    navigate(withQ(path, q));
  });

  function showQueryError(err) {
    const box = $('query-error');
    if (!err) {
      box.hidden = true;
      $('q').classList.remove('bad');
      return;
    }
    $('q').classList.add('bad');
    $('query-error-message').textContent = 'bad query: ' + err.message + (err.position >= 0 ? ' (at position ' + (err.position + 1) + ')' : '');
    const q = (err.query || '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
    let caret = q;
    if (err.position >= 0) caret += '\n' + ' '.repeat(Math.min(err.position, q.length)) + '^';
    if (err.hint) caret += '\nhint: ' + err.hint;
    $('query-error-caret').textContent = caret;
    box.hidden = false;
  }

  // ---------------------------------------------------------------- list

  let nextCursor = null;
  let loading = false;
  let listGeneration = 0;
  let events = null;
  let selected = -1;

  async function loadList(q) {
    const gen = ++listGeneration;
    const started = performance.now();
    shownQuery = q;
    nextCursor = null;
    selected = -1;
    clear($('rows'));
    $('list-more').textContent = 'loading…';
    $('list-status').textContent = '';
    if (events) { events.close(); events = null; }
    const r = await getJson('/api/flows?q=' + enc(q));
    if (gen !== listGeneration) return;
    if (r.status === 400 && r.body.error) {
      showQueryError(r.body.error);
      $('list-more').textContent = '';
      clear($('facets'));
      return;
    }
    showQueryError(null);
    if (r.status !== 200) {
      $('list-more').textContent = (r.body.error && r.body.error.message) || ('HTTP ' + r.status);
      return;
    }
    appendRows(r.body, q);
    status(r.body);
    startLive(q, gen);
    loadFacets(q, gen);
    // for the benchmark (bench/scripts/ui-perf.sh): since navigation start, and since this load started
    document.body.setAttribute('data-list-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-list-load-ms', String(Math.round(performance.now() - started)));
    document.body.setAttribute('data-list-ready', String(gen));
  }

  function status(page) {
    const parts = [];
    if (page.total !== undefined) parts.push(page.total.toLocaleString('en') + ' flows');
    else parts.push('count not computed (per-flow filter)');
    parts.push('newest first');
    parts.push((page.language === 'filter' ? 'mitmproxy filter' : 'fields query'));
    for (const w of page.warnings || []) parts.push('warning: ' + w);
    $('list-status').textContent = parts.join(' · ');
  }

  function appendRows(page, q) {
    const tbody = $('rows');
    for (const f of page.flows) tbody.appendChild(row(f, q));
    nextCursor = page.next || null;
    $('list-more').textContent = nextCursor ? (page.paused ? 'scanned many flows without enough matches: scroll to keep searching' : '') : (tbody.rows.length ? 'end of the record' : 'no flows match');
  }

  function row(f, q) {
    const href = flowHref(f.id, q);
    const cell = (text, cls) => el('td', cls ? { class: cls } : null, el('a', { href, 'data-nav': '1', tabindex: undefined }, text));
    const flags = el('span');
    for (const x of f.findings) flags.appendChild(el('span', { class: 'tag ' + (x.severity || ''), title: 'finding' }, (x.severity || '?') + ':' + x.rule));
    if (f.policy) flags.appendChild(el('span', { class: 'tag ' + f.policy }, f.policy));
    for (const d of f.decisions) flags.appendChild(el('span', { class: 'tag ' + d.action }, d.action + '=' + d.rule));
    if (f.credentials.length) flags.appendChild(el('span', { class: 'tag' }, 'creds=' + f.credentials.join(',')));
    if (f.messages) flags.appendChild(el('span', { class: 'tag' }, 'ws ' + f.messages));
    if (f.error) flags.appendChild(el('span', { class: 'tag serr', title: 'error' }, 'error'));
    const st = f.status !== undefined ? String(f.status) : (f.error ? 'ERR' : '-');
    const stCls = f.status !== undefined ? 's' + String(f.status).charAt(0) : 'serr';
    const tr = el('tr', { 'data-id': f.id, 'data-seq': String(f.seq), class: f.findings.length ? 'flagged' : null },
      cell(String(f.seq)),
      cell(f.time.replace('T', ' ').replace('Z', '')),
      cell(f.client || ''),
      cell(f.method || f.kind),
      cell((f.scheme ? f.scheme + '://' : '') + (f.host || '')),
      cell(f.path || ''),
      cell(st, stCls),
      cell(size(f.reqSize || 0) + '/' + size(f.respSize || 0)),
      cell(f.durationMs !== undefined ? String(f.durationMs) : ''),
      el('td', null, el('a', { href, 'data-nav': '1' }, flags)));
    return tr;
  }

  $('list-scroll').addEventListener('scroll', () => {
    const s = $('list-scroll');
    if (nextCursor && !loading && s.scrollTop + s.clientHeight > s.scrollHeight - 400) loadMore();
  });

  async function loadMore() {
    loading = true;
    const gen = listGeneration;
    const q = shownQuery;
    try {
      const r = await getJson('/api/flows?q=' + enc(q) + '&after=' + enc(nextCursor));
      if (gen !== listGeneration || r.status !== 200) return;
      appendRows(r.body, q);
    } finally {
      loading = false;
    }
  }

  function startLive(q, gen) {
    events = new EventSource('/api/events?q=' + enc(q));
    events.addEventListener('flow', (ev) => {
      if (gen !== listGeneration) return;
      const f = JSON.parse(ev.data);
      const scroller = $('list-scroll');
      const tbody = $('rows');
      if (tbody.querySelector('tr[data-seq="' + CSS.escape(String(f.seq)) + '"]')) return;
      const tr = row(f, q);
      tr.classList.add('fresh');
      const before = scroller.scrollTop;
      tbody.insertBefore(tr, tbody.firstChild);
      if (selected >= 0) selected++;
      // keep what the reader is looking at where it is
      if (before > 0) scroller.scrollTop = before + tr.offsetHeight;
      document.body.setAttribute('data-live-seq', String(f.seq));
      document.body.setAttribute('data-live-at', String(Date.now()));
    });
    events.addEventListener('reload', () => { if (gen === listGeneration) loadList(q); });
  }

  async function loadFacets(q, gen) {
    const r = await getJson('/api/facets?q=' + enc(q));
    if (gen !== listGeneration) return;
    const box = $('facets');
    clear(box);
    document.body.setAttribute('data-facets-ready', String(gen));
    if (r.status !== 200) return;
    if (r.body.unavailable) {
      box.appendChild(el('p', { class: 'note' }, r.body.unavailable));
      return;
    }
    const filterLang = /(^|[\s(!&|])~[a-z]/.test(q);
    const labels = { host: 'hosts', method: 'methods', status: 'status', rule: 'rules & findings', policy: 'policy', action: 'decisions', severity: 'severity' };
    for (const [facet, counts] of Object.entries(r.body)) {
      const entries = Object.entries(counts);
      if (!entries.length) continue;
      box.appendChild(el('h3', null, labels[facet] || facet));
      for (const [value, n] of entries) {
        const term = facetTerm(facet, value);
        const label = el('span', null, value);
        const count = el('span', null, n.toLocaleString('en'));
        if (filterLang || !term) box.appendChild(el('div', { class: 'note' }, label, ' ', count));
        else box.appendChild(el('a', { href: withQ('/', (q ? q + ' ' : '') + term), 'data-nav': '1', title: term }, label, count));
      }
    }
  }

  function facetTerm(facet, value) {
    const quote = (v) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
    if (facet === 'status') {
      if (value === 'none') return null;
      const d = value.charAt(0);
      return 'status:[' + d + '00 TO ' + d + '99]';
    }
    if (value === '-') return null;
    return facet + ':' + quote(value);
  }

  function rows() { return $('rows').rows; }

  function select(i) {
    const rs = rows();
    if (!rs.length) return;
    i = Math.max(0, Math.min(rs.length - 1, i));
    if (selected >= 0 && rs[selected]) rs[selected].classList.remove('selected');
    selected = i;
    rs[i].classList.add('selected');
    rs[i].scrollIntoView({ block: 'nearest' });
    if (i > rs.length - 20 && nextCursor && !loading) loadMore();
  }

  document.addEventListener('keydown', (ev) => {
    if (ev.target === $('q')) {
      if (ev.key === 'Escape') $('q').blur();
      return;
    }
    if (ev.metaKey || ev.ctrlKey || ev.altKey) return;
    const inList = !$('list-view').hidden;
    if (ev.key === '/') {
      ev.preventDefault();
      $('q').focus();
      $('q').select();
    } else if (inList && (ev.key === 'j' || ev.key === 'ArrowDown')) {
      ev.preventDefault();
      select(selected + 1);
    } else if (inList && (ev.key === 'k' || ev.key === 'ArrowUp')) {
      ev.preventDefault();
      select(selected - 1);
    } else if (inList && ev.key === 'Enter' && selected >= 0) {
      ev.preventDefault();
      navigate(flowHref(rows()[selected].getAttribute('data-id'), currentQuery()));
    } else if (!inList && (ev.key === 'Escape' || ev.key === 'q')) {
      ev.preventDefault();
      navigate(withQ('/', currentQuery()));
    }
  });

  // ---------------------------------------------------------------- detail

  function kv(pairs) {
    const t = el('table', { class: 'kv' });
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '') continue;
      t.appendChild(el('tr', null, el('td', null, k), el('td', null, typeof v === 'object' ? v : String(v))));
    }
    return t;
  }

  function panel(title, ...content) {
    return el('div', { class: 'panel' }, el('h3', null, title), ...content);
  }

  async function showDetail(id) {
    const view = $('detail-view');
    clear(view);
    view.appendChild(el('p', { class: 'note' }, 'loading…'));
    const r = await getJson('/api/flow/' + enc(id));
    clear(view);
    const q = currentQuery();
    view.appendChild(el('p', null, el('a', { href: withQ('/', q), 'data-nav': '1' }, '← flows'), ' ', el('span', { class: 'note' }, '(Esc)')));
    if (r.status !== 200) {
      view.appendChild(el('p', null, (r.body.error && r.body.error.message) || ('HTTP ' + r.status)));
      return;
    }
    const f = r.body;
    view.appendChild(el('h2', { id: 'detail-title' }, '#' + f.seq + ' ' + (f.request ? f.request.line : f.kind)));
    const actions = el('div', { class: 'detail-actions' });
    if (f.curl) {
      const btn = el('button', { type: 'button', id: 'copy-curl' }, 'copy as curl');
      const pre = el('pre', { class: 'body', id: 'curl' }, f.curl);
      pre.hidden = true;
      btn.addEventListener('click', async () => {
        pre.hidden = false;
        try { await navigator.clipboard.writeText(f.curl); btn.textContent = 'copied'; } catch (e) { btn.textContent = 'select the text below to copy'; }
      });
      actions.appendChild(btn);
      view.appendChild(actions);
      view.appendChild(pre);
    } else {
      view.appendChild(actions);
    }
    actions.appendChild(el('a', { href: '/api/flow/' + enc(f.id) + '/har', download: 'flow-' + f.seq + '.har', id: 'download-har' }, 'download HAR'));
    if (f.request && f.request.body.recorded) actions.appendChild(el('a', { href: '/api/flow/' + enc(f.id) + '/body/request', download: '' }, 'request body'));
    if (f.response && f.response.body.recorded) actions.appendChild(el('a', { href: '/api/flow/' + enc(f.id) + '/body/response', download: '' }, 'response body'));

    view.appendChild(panel('overview', kv([
      ['id', f.id], ['seq', f.seq], ['session', f.session], ['kind', f.kind], ['client', f.client],
      ['start', f.time], ['end', f.end], ['policy', f.policyAction + (f.policyRule ? ' (' + f.policyRule + ')' : '')],
      ['error', f.error], ['credentials', f.credentials.length ? f.credentials.join(', ') + ' (names only; values are never recorded)' : null],
    ])));
    view.appendChild(sealPanel(f.seal));
    if (f.findingsFull.length) {
      const list = el('div', { id: 'findings' });
      for (const x of f.findingsFull) {
        list.appendChild(el('div', { class: 'finding' }, kv([['rule', x.rule], ['severity', x.severity], ['family', x.family], ['location', x.location],
          ['host', x.host], ['fingerprint', x.fingerprint], ['encoding', x.encoding], ['detail', x.detail]])));
      }
      view.appendChild(panel('findings (' + f.findingsFull.length + ')', list));
    }
    if (f.trace.length) {
      const t = el('table', { class: 'kv', id: 'trace' });
      for (const d of f.trace) t.appendChild(el('tr', null, el('td', null, d.stage || ''), el('td', null, d.action || ''), el('td', null, d.rule || ''), el('td', null, d.reason || '')));
      view.appendChild(panel('decision trace', t));
    }
    const tm = f.timing;
    view.appendChild(panel('timing', kv([['start', tm.start], ['request sent', ms(tm.requestSentMs)], ['response started', ms(tm.responseStartMs)],
      ['response ended', ms(tm.responseEndMs)], ['total', ms(tm.totalMs)]])));
    if (f.request) view.appendChild(messagePanel('request', f.request, f.id, 'request'));
    if (f.response) view.appendChild(messagePanel('response', f.response, f.id, 'response'));
    if (f.ws.length) view.appendChild(wsPanel(f));
    if (f.tls) {
      const t = f.tls;
      view.appendChild(panel('TLS', kv([['SNI', t.sni], ['client side', [t.clientVersion, t.clientCipher, t.clientAlpn && 'ALPN ' + t.clientAlpn].filter(Boolean).join(' · ')],
        ['upstream side', [t.upstreamVersion, t.upstreamCipher, t.upstreamAlpn && 'ALPN ' + t.upstreamAlpn].filter(Boolean).join(' · ')],
        ['upstream subject', t.upstreamSubject], ['upstream issuer', t.upstreamIssuer], ['upstream cert SHA-256', t.upstreamFingerprintSha256]])));
    }
    if (f.tunnelInfo) view.appendChild(panel('tunnel', kv([['bytes up', f.tunnelInfo.bytesUp], ['bytes down', f.tunnelInfo.bytesDown], ['passthrough', String(f.tunnelInfo.passthrough)], ['outcome', f.tunnelInfo.outcome]])));
    document.body.setAttribute('data-detail-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-detail-ready', f.id);
  }

  const ms = (v) => (v === undefined ? null : v + ' ms');

  function sealPanel(s) {
    if (!s) return el('span');
    const mark = s.verified
      ? el('span', { class: 'verified', id: 'seal-mark' }, '✔ verified')
      : el('span', { class: 'unverified', id: 'seal-mark' }, s.leafMatches ? 'hash matches the Merkle log; not yet covered by a valid signed checkpoint' : '✘ hash does NOT match the Merkle log');
    return panel('integrity', kv([['', mark], ['leaf hash', s.leafHash], ['Merkle position', 'leaf ' + s.seq + (s.checkpointSize ? ' of checkpoint size ' + s.checkpointSize + ' (' + s.checkpointTime + ')' : '')],
      ['checkpoint signature + root', s.checkpointSize ? (s.checkpointValid ? 'valid' : 'INVALID') : 'none yet'], ['signer key', s.keyFingerprint]]));
  }

  function messagePanel(title, m, id, which) {
    const parts = [el('pre', { class: 'body' }, m.line)];
    const h = el('table', { class: 'kv headers' });
    for (const [k, v] of m.headers) h.appendChild(el('tr', null, el('td', null, k), el('td', null, v)));
    parts.push(h);
    parts.push(bodyView(m.body, id, which));
    if (m.trailers.length) {
      const t = el('table', { class: 'kv' });
      for (const [k, v] of m.trailers) t.appendChild(el('tr', null, el('td', null, k), el('td', null, v)));
      parts.push(el('div', { class: 'note' }, 'trailers'), t);
    }
    return panel(title, el('div', null, ...parts));
  }

  function bodyView(b, id, which) {
    const box = el('div', { class: 'body-view', 'data-kind': b.kind, id: which + '-body' });
    if (b.kind === 'empty') return box;
    const meta = [size(b.size) + ' on the wire', 'sha256 ' + b.sha256];
    if (b.truncated) meta.push('truncated: first ' + size(b.recorded) + ' recorded');
    if (b.encoding) meta.push('content-encoding ' + b.encoding + ' (decoded)');
    if (b.contentType) meta.push(b.contentType);
    if (b.decodedCut) meta.push('display stops after ' + size(b.shown) + ' of decoded body: download for all of it');
    box.appendChild(el('div', { class: 'note' }, meta.join(' · ')));
    if (b.kind === 'image') {
      box.appendChild(el('img', { class: 'preview-img', alt: 'recorded image (preview)', src: '/api/flow/' + enc(id) + '/body/' + which + '?image' }));
    } else if (b.kind === 'binary') {
      box.appendChild(el('pre', { class: 'body' }, b.hex));
    } else if (b.kind === 'form') {
      const t = el('table', { class: 'kv' });
      for (const [k, v] of b.form) t.appendChild(el('tr', null, el('td', null, k), el('td', null, v)));
      box.appendChild(t);
    } else if (b.kind === 'sse') {
      const tl = el('div', { class: 'timeline', id: 'sse-timeline' });
      b.events.forEach((e, i) => tl.appendChild(el('div', { class: 'ev in' }, el('span', { class: 'meta' }, '#' + (i + 1) + ' ' + e.event + (e.id ? ' id=' + e.id : '') + (e.incomplete ? ' (incomplete)' : '') + '\n'), e.data)));
      box.appendChild(tl);
    } else {
      box.appendChild(el('pre', { class: 'body' + (b.kind === 'json' ? ' json' : '') }, b.text));
    }
    return box;
  }

  function wsPanel(f) {
    const tl = el('div', { class: 'timeline', id: 'ws-timeline' });
    for (const m of f.ws) {
      const meta = (m.dir === 'out' ? '→ client to server' : '← server to client') + (m.atMs !== undefined ? ' +' + m.atMs + ' ms' : '') + ' · ' + size(m.size) + (m.truncated ? ' (truncated)' : '') + '\n';
      tl.appendChild(el('div', { class: 'ev ' + m.dir }, el('span', { class: 'meta' }, meta), m.text !== undefined ? m.text : m.hex));
    }
    if (f.wsOmitted) tl.appendChild(el('p', { class: 'note' }, f.wsOmitted + ' more messages not shown (download the HAR)'));
    return panel('WebSocket messages (' + f.messages + ')', tl);
  }

  // ---------------------------------------------------------------- session

  async function showSession(q) {
    const view = $('session-view');
    clear(view);
    view.appendChild(el('p', { class: 'note' }, 'loading…'));
    const r = await getJson('/api/session?q=' + enc(q));
    clear(view);
    if (r.status === 400 && r.body.error) {
      showQueryError({ message: r.body.error.message, query: q, position: -1 });
      return;
    }
    showQueryError(null);
    const s = r.body;
    const ex = (fmt) => '/api/export?format=' + fmt + '&q=' + enc(q);
    view.appendChild(el('div', { class: 'detail-actions' },
      el('span', null, (q ? 'filter: ' + q : 'every flow') + ' · ' + s.flows.toLocaleString('en') + ' flows' + (s.flows ? ' · ' + new Date(s.from).toISOString() + ' .. ' + new Date(s.to).toISOString() : '')),
      el('a', { href: ex('har'), download: 'traffic-export.har', id: 'export-har' }, 'export HAR'),
      el('a', { href: ex('ndjson'), download: 'traffic-export.ndjson', id: 'export-ndjson' }, 'export NDJSON')));
    const t = el('table', { class: 'session-grid', id: 'session-hosts' });
    t.appendChild(el('tr', null, ...['host', 'flows', '4xx/5xx', 'findings', 'blocked', 'first', 'last', 'requests over time (red: with findings)'].map((h) => el('th', null, h))));
    for (const h of s.hosts) {
      const max = Math.max(1, ...h.buckets);
      const bars = el('div', { class: 'bars' });
      h.buckets.forEach((n, i) => {
        const level = n === 0 ? 0 : 1 + Math.floor(6 * n / max);
        bars.appendChild(el('span', { class: 'bar h' + level + (h.flaggedBuckets[i] ? ' hot' : ''), title: n + ' flows' + (h.flaggedBuckets[i] ? ', ' + h.flaggedBuckets[i] + ' with findings' : '') }));
      });
      const hostQ = (q ? q + ' ' : '') + (/(^|[\s(!&|])~[a-z]/.test(q) ? '' : 'host:"' + h.host + '"');
      t.appendChild(el('tr', { class: h.flagged ? 'flagged' : null },
        el('td', null, el('a', { href: withQ('/', hostQ.trim()), 'data-nav': '1' }, h.host)),
        el('td', null, String(h.flows)), el('td', null, String(h.errors)), el('td', null, String(h.flagged)), el('td', null, String(h.blocked)),
        el('td', null, new Date(h.first).toISOString()), el('td', null, new Date(h.last).toISOString()), el('td', null, bars)));
    }
    view.appendChild(t);
    if (!s.hosts.length) view.appendChild(el('p', null, 'no flows match'));
  }

  // ---------------------------------------------------------------- integrity

  let integrityTimer = null;

  async function integrity(refresh) {
    const r = await getJson('/api/integrity' + (refresh ? '?refresh=1' : ''));
    if (r.status !== 200) return;
    const s = r.body;
    const box = $('integrity');
    box.className = 'integrity ' + s.state;
    let text;
    if (s.state === 'running') text = 'verifying the record…';
    else if (s.state === 'ok') text = '✔ record intact: ' + s.flowsVerified.toLocaleString('en') + ' flows verified' + (s.warnings.length ? ' (' + s.warnings.length + ' warning' + (s.warnings.length > 1 ? 's' : '') + ')' : '');
    else if (s.state === 'failed') text = '✘ verify FAILED: ' + s.problemCount + ' problem(s), first: ' + s.problems[0];
    else if (s.state === 'error') text = 'verify could not run: ' + s.error;
    else text = 'record not verified in this session';
    const cp = s.lastCheckpoint ? ' · last checkpoint ' + s.lastCheckpoint.size + ' at ' + s.lastCheckpoint.time : '';
    $('integrity-text').textContent = text + cp + (s.keyFingerprint ? ' · key ' + s.keyFingerprint.substring(0, 16) : '');
    box.setAttribute('title', [].concat(s.problems || [], s.warnings || []).join('\n') + (s.checkedAt ? '\nchecked at ' + s.checkedAt : ''));
    clearTimeout(integrityTimer);
    if (s.state === 'running') integrityTimer = setTimeout(() => integrity(false), 1500);
  }
  $('verify').addEventListener('click', () => integrity(true));

  route();
  integrity(false);
})();
