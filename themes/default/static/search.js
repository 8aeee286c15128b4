/* huiwen search: runs in the browser, from any sub-path and from file://.
 *
 * The index (built by src/search/) is a set of small scripts under search/,
 * each calling one of the HW.* registrars below; they are loaded with
 * <script> elements because fetch() is not allowed on file://. Folding and
 * tokenizing mirror src/search/fold.rs and src/search/tokenize.rs, the
 * ranking mirrors rank_compare in src/search/mod.rs: change them together.
 * No framework and no external code, on purpose (intranet, offline).
 */
(function () {
  'use strict';

  var HW = (window.HW = window.HW || {});
  var manifest = null;
  var shards = {};
  var docs = {};
  var segs = {};
  var foldMap = new Map(); // Traditional → Simplified (pages loaded so far)
  var unfoldMap = new Map(); // Simplified → Set of Traditional forms
  var PAGE = 10;
  var FILTERS = ['type', 'kind', 'year', 'region', 'tag', 'level'];

  HW.manifest = function (m) {
    manifest = m;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  };
  HW.shard = function (k, o) { shards[k] = o; };
  HW.doc = function (id, o) { docs[id] = o; };
  HW.tail = function (id, list) {
    for (var i = 0; i < list.length; i++) segs[id + '-' + (i + 1)] = list[i];
  };
  HW.fold = function (pairs) {
    var cps = Array.from(pairs);
    for (var i = 0; i + 1 < cps.length; i += 2) {
      var from = cps[i].codePointAt(0);
      var to = cps[i + 1].codePointAt(0);
      foldMap.set(from, to);
      var forms = unfoldMap.get(to);
      if (!forms) unfoldMap.set(to, (forms = new Set()));
      forms.add(from);
    }
  };

  // ---- loading ----------------------------------------------------------

  var base = '';
  var loading = {};

  /* Loads search/<path> once; resolves when it has run (or failed: a
     missing file means "nothing there", never an error for the reader). */
  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve) {
        var s = document.createElement('script');
        s.src = base + path;
        s.async = true;
        s.onload = function () { resolve(true); };
        s.onerror = function () { resolve(false); };
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }

  /* A document's head (`d/1/23.js`: first segment) or tail (`d/1/23-t.js`: the rest). */
  function docPath(id, tail) {
    var dir = manifest.dir;
    var p = 'd/' + Math.floor(id / dir) + '/' + (id % dir);
    return p + (tail ? '-t' : '') + '.js';
  }

  function loadDoc(id) { return load(docPath(id, false)); }

  function loadSeg(id, s) {
    if (s === 0) return loadDoc(id).then(function () { return docs[id] ? docs[id].x : ''; });
    return load(docPath(id, true)).then(function () { return segs[id + '-' + s] || ''; });
  }

  // ---- folding and tokenizing (mirror of fold.rs / tokenize.rs) ----------

  function foldCp(cp) {
    if (cp === 0x3000) cp = 32;
    else if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    if (cp < 128) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
    var t = foldMap.get(cp);
    return t === undefined ? cp : t;
  }

  function fold(s) {
    var out = '';
    for (var ch of s) out += String.fromCodePoint(foldCp(ch.codePointAt(0)));
    return out;
  }

  /* The fold-table files (`dir` f or u) that cover the characters of s. */
  function tablePages(dir, s) {
    var want = {};
    for (var ch of s) {
      var cp = ch.codePointAt(0);
      // fold_page in index.rs.
      if (cp >= 128) want[(cp < 0x10000 ? cp >> 8 : (cp >> 12) + 0x1000).toString(16)] = true;
    }
    var have = dir === 'f' ? manifest.fold : manifest.unfold;
    return have.filter(function (p) { return want[p]; }).map(function (p) {
      return load(dir + '/' + p + '.js');
    });
  }

  /* Width and case folding only (no table): what fold() does before the table. */
  function foldSimple(cp) {
    if (cp === 0x3000 || cp === 10 || cp === 13 || cp === 9) return 32;
    if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  }

  /* Finds a folded needle in original text without folding the text (which
     would need the whole table): a text character matches a needle
     character if it is that character or one of its Traditional forms
     (from the u/ pages loaded for the needle). Returns a function giving
     [start, end] UTF-16 offsets of each match from `from`, or null. */
  function matcher(needle) {
    var want = Array.from(needle).map(function (ch) { return ch.codePointAt(0); });
    return function (text, from) {
      var cps = [];
      var offs = [];
      var i = 0;
      for (var ch of text) {
        cps.push(ch.codePointAt(0));
        offs.push(i);
        i += ch.length;
      }
      offs.push(i);
      var start = 0;
      while (start < offs.length - 1 && offs[start] < (from || 0)) start++;
      outer: for (var a = start; a + want.length <= cps.length; a++) {
        for (var k = 0; k < want.length; k++) {
          var c = foldSimple(cps[a + k]);
          if (c !== want[k]) {
            var forms = unfoldMap.get(want[k]);
            if (!forms || !forms.has(c)) continue outer;
          }
        }
        return [offs[a], offs[a + want.length]];
      }
      return null;
    };
  }

  function indexIn(text, needle) {
    var m = matcher(needle)(text, 0);
    return m ? m[0] : -1;
  }

  function isCjk(cp) {
    return cp === 0x3005 || cp === 0x3007 ||
      (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
  }
  var WORD = /[\p{Alphabetic}\p{N}]/u;

  /* Maximal runs of CJK characters and of word characters. */
  function tokens(s) {
    var out = [];
    var cur = null;
    for (var ch of s) {
      var cp = ch.codePointAt(0);
      var cl = isCjk(cp) ? 'c' : WORD.test(ch) ? 'w' : '';
      if (cur && cur.cl === cl) { cur.text += ch; continue; }
      cur = cl ? { cl: cl, text: ch } : null;
      if (cur) out.push(cur);
    }
    return out;
  }

  /* Grams for a folded term (query_grams in tokenize.rs). */
  function queryGrams(folded) {
    var toks = tokens(folded);
    var grams = [];
    var exact = toks.length === 1;
    toks.forEach(function (t) {
      var cs = Array.from(t.text);
      if (t.cl === 'w' || cs.length <= 2) grams.push(t.text);
      else {
        exact = false;
        // bigram_cover in tokenize.rs: every other bigram, plus the last.
        for (var i = 0; i + 1 < cs.length; i += 2) grams.push(cs[i] + cs[i + 1]);
        if (cs.length % 2 === 1) grams.push(cs[cs.length - 2] + cs[cs.length - 1]);
      }
    });
    grams = grams.filter(function (g, i) { return grams.indexOf(g) === i; });
    return { grams: grams, exact: exact, tokens: toks.map(function (t) { return t.text; }) };
  }

  /* Space-separated terms; "quoted phrases" (also “…”) are one term. */
  function parseQuery(q) {
    var re = /"([^"]*)"?|“([^”]*)”?|(\S+)/g;
    var terms = [];
    var m;
    while ((m = re.exec(q))) {
      var raw = (m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3]) || '';
      var folded = fold(raw).replace(/\s+/g, ' ').trim();
      if (!folded) continue;
      var g = queryGrams(folded);
      if (!g.grams.length) continue;
      // One token: punctuation around it is not part of what must match.
      g.needle = g.tokens.length === 1 ? g.tokens[0] : folded;
      terms.push(g);
    }
    return terms;
  }

  // ---- index lookups ------------------------------------------------------

  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function shardOf(gram) { return fnv1a(gram) % manifest.n; }

  var DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var VALUE = {};
  for (var di = 0; di < 64; di++) VALUE[DIGITS.charCodeAt(di)] = di;

  /* Posting list → [{doc, count, title, seg}] (encode_postings in index.rs). */
  function decode(s) {
    var out = [];
    var i = 0;
    var prev = -1;
    function next() {
      var v = 0;
      var mul = 1;
      for (;;) {
        var d = VALUE[s.charCodeAt(i++)];
        v += (d & 31) * mul;
        mul *= 32;
        if (!(d & 32)) return v;
      }
    }
    while (i < s.length) {
      var doc = prev + 1 + next();
      prev = doc;
      var v = next();
      var seg = v & 1 ? next() : 0;
      out.push({ doc: doc, count: Math.floor(v / 4), title: (v & 2) === 2, seg: seg });
    }
    return out;
  }

  function postings(gram) {
    var sh = shards[shardOf(gram)];
    var s = sh && Object.prototype.hasOwnProperty.call(sh, gram) ? sh[gram] : '';
    return decode(s);
  }

  /* Documents in every list, with the postings per list (lists sorted by doc). */
  function intersect(lists) {
    if (!lists.length) return [];
    var order = lists.map(function (_, i) { return i; })
      .sort(function (a, b) { return lists[a].length - lists[b].length; });
    var maps = lists.map(function (l, i) {
      if (i === order[0]) return null;
      var m = new Map();
      l.forEach(function (p) { m.set(p.doc, p); });
      return m;
    });
    var out = [];
    lists[order[0]].forEach(function (p) {
      var row = [];
      for (var i = 0; i < lists.length; i++) {
        var q = i === order[0] ? p : maps[i].get(p.doc);
        if (!q) return;
        row.push(q);
      }
      out.push({ doc: p.doc, row: row });
    });
    return out;
  }

  /* rank_compare in src/search/mod.rs: more terms in title/fields, more
     matches, then newer (smaller id). */
  function rankCompare(a, b) {
    return b.fieldTerms - a.fieldTerms || b.matches - a.matches || a.doc - b.doc;
  }

  // ---- checking and excerpts ---------------------------------------------

  /* Where `needle` (folded) first occurs in document `id`'s body, loading
     segments from `from` on (up to `limit`): {seg, text, at} or null. Segments are
     concatenated while scanning, so matches across a boundary are found. */
  function findInBody(id, needle, from, limit) {
    var n = Math.min(docs[id].n, limit || Infinity);
    var s = Math.max(0, from);
    var text = '';
    var start = s;
    function step() {
      if (s >= n) return Promise.resolve(null);
      return loadSeg(id, s).then(function (t) {
        text += t;
        var at = indexIn(text, needle);
        if (at >= 0) return { seg: start, text: text, at: at };
        // Keep only what a match could still start in.
        var keep = Math.max(0, needle.length - 1);
        if (text.length > keep && s + 1 < n) {
          text = text.slice(text.length - keep);
          start = s;
        }
        s++;
        return step();
      });
    }
    return step();
  }

  /* Confirms every term of `hit` in the document (terms whose grams are
     exact need no check) and finds the text for the excerpt. Resolves to
     the excerpt source {text, at} or null if a term is not really there. */
  function verify(hit, terms) {
    var id = hit.doc;
    var d = docs[id];
    var checks = terms.map(function (t, i) {
      if (t.exact) {
        var seg = hit.segs[i];
        return loadSeg(id, seg).then(function (text) {
          return { text: text, at: indexIn(text, t.needle) };
        });
      }
      if (indexIn(d.t + '\n' + d.f, t.needle) >= 0) {
        // Found in the fields: the body is only looked at near the hint,
        // for the excerpt.
        return findInBody(id, t.needle, hit.segs[i] - 1, hit.segs[i] + 2).then(function (r) {
          return r || { text: d.x, at: -1 };
        });
      }
      return findInBody(id, t.needle, hit.segs[i] - 1);
    });
    return Promise.all(checks).then(function (rs) {
      if (rs.some(function (r) { return r === null; })) return null;
      var best = rs.filter(function (r) { return r.at >= 0; })[0];
      return best || { text: d.x, at: -1 };
    });
  }

  /* Appends `text` to `el`, with every occurrence of the needles marked. */
  function highlight(el, text, needles) {
    var marks = [];
    needles.forEach(function (n) {
      if (!n) return;
      var find = matcher(n);
      var m = find(text, 0);
      while (m) {
        marks.push(m);
        m = find(text, m[1]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      el.appendChild(document.createTextNode(text.slice(pos, m[0])));
      var mk = document.createElement('mark');
      mk.textContent = text.slice(m[0], m[1]);
      el.appendChild(mk);
      pos = m[1];
    });
    el.appendChild(document.createTextNode(text.slice(pos)));
  }

  function excerpt(src, len) {
    var text = src.text.replace(/\s+/g, ' ');
    var chars = Array.from(text);
    var at = src.at >= 0 ? Array.from(src.text.slice(0, src.at).replace(/\s+/g, ' ')).length : 0;
    var start = Math.max(0, at - 30);
    var end = Math.min(chars.length, start + len);
    return (start > 0 ? '…' : '') + chars.slice(start, end).join('') + (end < chars.length ? '…' : '');
  }

  // ---- the page ------------------------------------------------------------

  var ui = {};
  var results = [];
  var shown = 0;
  var runId = 0;
  var terms = [];

  function tr(key, n) {
    var s = ui.root.getAttribute('data-t-' + key) || '';
    return n === undefined ? s : s.replace('{n}', String(n));
  }

  function state() {
    var st = { q: ui.q.value };
    FILTERS.forEach(function (f) { st[f] = ui.sel[f] ? ui.sel[f].value : ''; });
    return st;
  }

  function writeUrl(st) {
    var p = new URLSearchParams();
    if (st.q.trim()) p.set('q', st.q.trim());
    FILTERS.forEach(function (f) { if (st[f]) p.set(f, st[f]); });
    var qs = p.toString();
    try {
      history.replaceState(null, '', location.pathname + (qs ? '?' + qs : '') + location.hash);
    } catch (e) {
      /* Some browsers refuse on file://; the search still works. */
    }
  }

  function readUrl() {
    var p = new URLSearchParams(location.search);
    ui.q.value = p.get('q') || '';
    FILTERS.forEach(function (f) {
      var v = p.get(f) || '';
      var sel = ui.sel[f];
      if (!sel || !v) return;
      if (!Array.from(sel.options).some(function (o) { return o.value === v; })) {
        sel.appendChild(new Option(v, v));
      }
      sel.value = v;
    });
  }

  function run() {
    var id = ++runId;
    var t0 = performance.now();
    ui.root.setAttribute('data-state', 'busy');
    var st = state();
    writeUrl(st);
    var filterValues = FILTERS.filter(function (f) { return st[f]; }).map(function (f) { return [f, st[f]]; });
    var pages = tablePages('f', st.q + filterValues.map(function (x) { return x[1]; }).join(''));
    return Promise.all(pages).then(function () {
      if (id !== runId) return;
      terms = parseQuery(st.q);
      var fgrams = filterValues.map(function (x) { return x[0] + ':' + fold(x[1].trim()); });
      if (!terms.length && !fgrams.length) {
        results = [];
        ui.list.textContent = '';
        ui.status.textContent = '';
        ui.more.hidden = true;
        ui.root.setAttribute('data-state', 'done');
        return;
      }
      ui.status.textContent = tr('loading');
      var all = [];
      terms.forEach(function (t) { all = all.concat(t.grams); });
      all = all.concat(fgrams);
      var needed = {};
      all.forEach(function (g) { needed[shardOf(g)] = true; });
      var loads = Object.keys(needed).map(function (k) { return load('s/' + k + '.js'); });
      terms.forEach(function (t) { loads = loads.concat(tablePages('u', t.needle)); });
      return Promise.all(loads).then(function () {
        if (id !== runId) return;
        var t1 = performance.now();
        var lists = all.map(postings);
        var rows = intersect(lists);
        results = rows.map(function (r) {
          var k = 0;
          var fieldTerms = 0;
          var matches = 0;
          var segsOf = [];
          terms.forEach(function (t) {
            var count = Infinity;
            var title = true;
            var seg = 0;
            t.grams.forEach(function () {
              var p = r.row[k++];
              count = Math.min(count, p.count);
              title = title && p.title;
              seg = Math.max(seg, p.seg);
            });
            if (title) fieldTerms++;
            matches += count;
            segsOf.push(seg);
          });
          return { doc: r.doc, fieldTerms: fieldTerms, matches: matches, segs: segsOf };
        });
        results.sort(rankCompare);
        var t2 = performance.now();
        ui.list.textContent = '';
        shown = 0;
        return showMore(id).then(function () {
          /* For measurements: index loading, ranking, and the first page
             (which loads its documents) in milliseconds. */
          HW.timing = { load: t1 - t0, rank: t2 - t1, page: performance.now() - t2 };
        });
      });
    });
  }

  /* Renders the next page of results, dropping candidates a check rules out. */
  function showMore(id) {
    ui.root.setAttribute('data-state', 'busy');
    var exact = terms.every(function (t) { return t.exact; });
    var added = 0;
    function next() {
      if (id !== runId) return Promise.resolve();
      if (added >= PAGE || shown >= results.length) return Promise.resolve();
      var hit = results[shown];
      return loadDoc(hit.doc).then(function () {
        if (id !== runId) return;
        if (!docs[hit.doc]) { results.splice(shown, 1); return next(); }
        return verify(hit, terms).then(function (src) {
          if (id !== runId) return;
          if (!src) { results.splice(shown, 1); return next(); }
          ui.list.appendChild(render(hit, src));
          shown++;
          added++;
          return next();
        });
      });
    }
    return next().then(function () {
      if (id !== runId) return;
      var n = results.length;
      ui.status.textContent = n === 0 ? tr('none') : tr(exact || shown === n ? 'count' : 'count_approx', n);
      ui.more.hidden = shown >= n;
      ui.root.setAttribute('data-state', 'done');
    });
  }

  function render(hit, src) {
    var d = docs[hit.doc];
    var needles = [];
    terms.forEach(function (t) { needles.push(t.needle); if (!t.exact) needles = needles.concat(t.tokens); });
    var li = document.createElement('li');
    li.className = 'search-hit';
    li.setAttribute('data-url', d.u);
    var a = document.createElement('a');
    a.className = 'search-title';
    a.href = ui.siteRoot + d.u + (/\/$/.test(d.u) || d.u === '' ? ui.linkIndex : '');
    highlight(a, d.t, needles);
    var h = document.createElement('h2');
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement('p');
    meta.className = 'search-meta';
    var type = document.createElement('span');
    type.className = 'search-type';
    type.textContent = tr('type-' + d.y) || d.y;
    meta.appendChild(type);
    [d.d, d.y === 'report' ? d.k : '', d.r].forEach(function (v) {
      if (!v) return;
      var s = document.createElement('span');
      s.textContent = v;
      meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(s);
    });
    li.appendChild(meta);
    var url = document.createElement('p');
    url.className = 'search-url';
    url.textContent = d.u;
    li.appendChild(url);
    var ex = document.createElement('p');
    ex.className = 'search-excerpt';
    highlight(ex, excerpt(src, 110), needles);
    li.appendChild(ex);
    return li;
  }

  function fillFilters() {
    FILTERS.forEach(function (f) {
      var sel = ui.sel[f];
      if (!sel) return;
      (manifest.filters[f] || []).forEach(function (pair) {
        var label = f === 'type' ? tr('type-' + pair[0]) || pair[0] : pair[0];
        sel.appendChild(new Option(label + '（' + pair[1] + '）', pair[0]));
      });
      var wrap = sel.closest('label');
      if (wrap && !(manifest.filters[f] || []).length) wrap.hidden = true;
    });
  }

  function start() {
    ui.root = document.getElementById('search');
    if (!ui.root || !manifest) return;
    base = ui.root.getAttribute('data-base') || '';
    ui.siteRoot = ui.root.getAttribute('data-root') || '';
    ui.linkIndex = ui.root.getAttribute('data-index') || '';
    ui.q = document.getElementById('search-q');
    ui.form = document.getElementById('search-form');
    ui.list = document.getElementById('search-results');
    ui.status = document.getElementById('search-status');
    ui.more = document.getElementById('search-more');
    ui.sel = {};
    FILTERS.forEach(function (f) { ui.sel[f] = document.getElementById('search-' + f); });
    fillFilters();
    readUrl();
    var timer = 0;
    ui.q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    FILTERS.forEach(function (f) { if (ui.sel[f]) ui.sel[f].addEventListener('change', run); });
    ui.form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    ui.more.addEventListener('click', function () { showMore(runId); });
    run();
  }

  /* For tests and measurements: which index files this page has loaded. */
  HW.loaded = function () { return Object.keys(loading); };
})();
