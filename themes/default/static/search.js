/* huiwen search: runs in the browser, from any sub-path and from file://.
 *
 * The index (built by src/search/, format in src/search/mod.rs) is a set of
 * small scripts under search/, each calling one of the HW.* registrars
 * below; they are loaded with <script> elements because fetch() is not
 * allowed on file://. Folding and tokenizing mirror src/search/fold.rs and
 * src/search/tokenize.rs; the ranking (rank) is defined here and only here.
 * No framework and no external code, on purpose (intranet, offline).
 *
 * Query rules (README, "Search"): terms are split at spaces ("…" or “…” keep
 * a phrase together); each term must occur in the title, a field or the
 * text exactly as written after folding, punctuation included; a term that
 * starts or ends with a letter or digit only matches whole words there; a
 * space in a phrase matches a space, never a line break.
 */
(function () {
  'use strict';

  var HW = (window.HW = window.HW || {});
  var manifest = null;
  var shards = {};
  var docs = {};
  var foldMap = new Map(); // Traditional → Simplified (pages loaded so far)
  var unfoldMap = new Map(); // Simplified → Set of Traditional forms
  /* Results shown first, and added by each "more" (as Pagefind's own UI):
     each shown result loads its pack, so the first answer stays small on a
     slow intranet; see docs/decisions.md, "Search index size". */
  var FIRST = 5;
  var MORE = 10;
  var FILTERS = ['type', 'kind', 'year', 'region', 'tag', 'level'];
  /* Sentence marks at either end of a term come with copied text: dropped. */
  var TRIM = /^[\s,;:!?。、…⋯]+|[\s,;:!?。、…⋯]+$/gu;

  HW.manifest = function (m) {
    manifest = m;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  };
  /* Shards and packs arrive compressed (packed() in src/search/files.rs);
     each registrar keeps the promise of its unpacked content. */
  var unpacking = {};
  HW.shard = function (k, z) {
    unpacking['s/' + k + '.js'] = inflate(z).then(function (t) { shards[k] = JSON.parse(t); });
  };
  /* Packs are GB18030 text (two bytes a Chinese character), or UTF-8 where
     a character's GB18030 form is not stable (files.rs, gb18030). */
  HW.docs = function (first, z, encoding) {
    unpacking['d/' + packOf(first) + '.js'] = inflate(z, encoding || 'gb18030').then(function (t) {
      var list = JSON.parse(t);
      for (var i = 0; i < list.length; i++) docs[first + i] = list[i];
    });
  };

  /* base64 → raw deflate → text, with the browser's own decompressor. */
  function inflate(b64, encoding) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    var body = new Response(stream);
    if (!encoding || encoding === 'utf-8') return body.text();
    return body.arrayBuffer().then(function (b) { return new TextDecoder(encoding).decode(b); });
  }
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

  /* Loads search/<path> once; resolves when it has run and its content is
     unpacked (or failed: a missing or damaged file means "nothing there",
     never an error for the reader). */
  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve) {
        var s = document.createElement('script');
        s.src = base + path;
        s.async = true;
        s.onload = function () { resolve(true); };
        s.onerror = function () { resolve(false); };
        document.head.appendChild(s);
      }).then(function () {
        return unpacking[path] && unpacking[path].catch(function () {});
      });
    }
    return loading[path];
  }

  /* The pack a document is in (pack_of in src/search/files.rs). */
  function packOf(id) {
    var r = manifest.reports;
    if (id < r) return Math.floor(id / manifest.gr);
    return Math.ceil(r / manifest.gr) + Math.floor((id - r) / manifest.ge);
  }

  function loadDoc(id) {
    return load('d/' + packOf(id) + '.js').then(function () { return docs[id]; });
  }

  // ---- folding and tokenizing (mirror of fold.rs / tokenize.rs) ----------

  /* Width and case folding, no table: what fold_char does before the table. */
  function foldSimple(cp) {
    if (cp === 0x3000 || cp === 0xa0) return 32;
    if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  }

  function foldCp(cp) {
    cp = foldSimple(cp);
    if (cp < 128) return cp;
    var t = foldMap.get(cp);
    return t === undefined ? cp : t;
  }

  function fold(s) {
    var out = '';
    for (var ch of s) out += String.fromCodePoint(foldCp(ch.codePointAt(0)));
    return out;
  }

  /* Loads the fold-table pages (f/) that cover the characters of s. */
  function tablePages(s) {
    var want = {};
    for (var ch of s) {
      var cp = ch.codePointAt(0);
      // fold_page in files.rs.
      if (cp >= 128) want[(cp < 0x10000 ? cp >> 8 : (cp >> 12) + 0x1000).toString(16)] = true;
    }
    return Promise.all(manifest.fold.filter(function (p) { return want[p]; }).map(function (p) {
      return load('f/' + p + '.js');
    }));
  }

  /* indexed_as_grams in tokenize.rs. */
  function isGramChar(cp) {
    return cp === 0x3005 || cp === 0x3007 ||
      (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
  }
  var WORD = /^[\p{Alphabetic}\p{N}]$/u;
  function isWord(ch) { return !isGramChar(ch.codePointAt(0)) && WORD.test(ch); }

  /* Maximal runs of gram characters and of word characters, with their
     offsets (in characters) in s. */
  function tokens(s) {
    var out = [];
    var cur = null;
    var at = 0;
    for (var ch of s) {
      var cl = isGramChar(ch.codePointAt(0)) ? 'c' : isWord(ch) ? 'w' : '';
      if (cur && cur.cl === cl) cur.text += ch;
      else {
        cur = cl ? { cl: cl, text: ch, at: at } : null;
        if (cur) out.push(cur);
      }
      at++;
    }
    return out;
  }

  /* A folded term → what it is looked up by: each word by itself, each CJK
     run by its unigram, its bigram, or every other bigram plus the last,
     each gram with its offset in the term. An odd run of five or more
     leaves out the bigram before the last (名师工作室: 名师, 作室): one
     shard fewer to load, and the character between is checked in the text
     like any term that several grams find. `exact`: the one gram proves
     the term (nothing else in it); `pure`: the grams, aligned, prove it
     (every character is in one). */
  function term(folded) {
    var toks = tokens(folded);
    var grams = [];
    var covered = 0;
    toks.forEach(function (t) {
      var cs = Array.from(t.text);
      var n = cs.length;
      covered += n;
      if (t.cl === 'w' || n <= 2) grams.push({ g: t.text, at: t.at, len: n });
      else {
        var skip = n % 2 === 1 && n >= 5 ? n - 3 : -1;
        for (var i = 0; i + 1 < n; i += 2) {
          if (i !== skip) grams.push({ g: cs[i] + cs[i + 1], at: t.at + i, len: 2 });
        }
        if (n % 2 === 1) grams.push({ g: cs[n - 2] + cs[n - 1], at: t.at + n - 2, len: 2 });
        if (skip >= 0) covered--;
      }
    });
    var n = Array.from(folded).length;
    var whole = covered === n;
    var pure = whole && toks.every(function (t, i) {
      // Adjacent tokens are of different classes, so nothing is between them.
      return i === 0 || toks[i - 1].at + Array.from(toks[i - 1].text).length === t.at;
    });
    return {
      needle: folded,
      grams: grams,
      len: n,
      exact: whole && toks.length === 1 && grams.length === 1,
      pure: pure,
      endsWithToken: toks.length > 0 && grams.length > 0 &&
        grams[grams.length - 1].at + grams[grams.length - 1].len === n
    };
  }

  /* The query → {terms, ignored}: ignored terms have no letter, digit or
     CJK character (punctuation, emoji), so nothing can be looked up. */
  function parseQuery(q) {
    var re = /"([^"]*)"?|“([^”]*)”?|(\S+)/g;
    var terms = [];
    var ignored = [];
    var m;
    while ((m = re.exec(q))) {
      var raw = (m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3]) || '';
      var folded = fold(raw).replace(/\s+/g, ' ').replace(TRIM, '');
      if (!folded) {
        if (raw.trim()) ignored.push(raw.trim());
        continue;
      }
      var t = term(folded);
      if (!t.grams.length) ignored.push(raw.trim());
      else if (!terms.some(function (o) { return o.needle === t.needle; })) terms.push(t);
    }
    return { terms: terms, ignored: ignored };
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

  /* Posting list → [{doc, often, occ}] (src/search/postings.rs): occ are
     the field occurrences, each offset * 2 + (ends the title ? 1 : 0). */
  function decode(s) {
    var out = [];
    var i = 0;
    var prev = -1;
    function varint() {
      var v = 0;
      var mul = 1;
      for (;;) {
        var d = VALUE[s.charCodeAt(i++)];
        if (d === undefined || mul > 1e12) throw new Error('bad posting list');
        v += (d & 31) * mul;
        mul *= 32;
        if (!(d & 32)) return v;
      }
    }
    try {
      while (i < s.length) {
        var v = varint();
        var doc = prev + 1 + Math.floor(v / 4);
        prev = doc;
        var occ = [];
        if (v % 2) {
          for (;;) {
            var o = varint();
            occ.push(Math.floor(o / 2));
            if (!(o % 2)) break;
          }
        }
        out.push({ doc: doc, often: Math.floor(v / 2) % 2 === 1, occ: occ });
      }
    } catch (e) {
      /* A damaged list counts as empty: no result is better than a wrong one. */
      return [];
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

  // ---- ranking: the one definition ------------------------------------------

  /* Where in the fields a term's grams line up (each at its offset in the
     term from one start): the starts, and whether the term ends the title
     there. Punctuation inside a term is not in the grams, so not checked. */
  function fieldStarts(t, ps) {
    var first = ps[0];
    var out = [];
    first.occ.forEach(function (code) {
      var start = (code >> 1) - t.grams[0].at;
      if (start < 0) return;
      var ends = false;
      for (var i = 0; i < t.grams.length; i++) {
        var want = start + t.grams[i].at;
        var hit = ps[i].occ.filter(function (c) { return c >> 1 === want; })[0];
        if (hit === undefined) return;
        if (i === t.grams.length - 1) ends = (hit & 1) === 1;
      }
      out.push({ start: start, endsTitle: ends && t.endsWithToken });
    });
    return out;
  }

  /* What ranking looks at for one candidate. */
  function score(doc, row, terms) {
    var k = 0;
    var fieldTerms = 0;
    var often = 0;
    var title = 3;
    var proven = true;
    terms.forEach(function (t, ti) {
      var ps = row.slice(k, k + t.grams.length);
      k += t.grams.length;
      if (ps.every(function (p) { return p.often; })) often++;
      var starts = fieldStarts(t, ps);
      if (starts.length) fieldTerms++;
      if (ti === 0 && starts.some(function (s) { return s.start === 0; })) {
        var equal = terms.length === 1 && starts.some(function (s) { return s.start === 0 && s.endsTitle; });
        title = equal ? 0 : doc >= manifest.reports ? 1 : 2;
      }
      if (!t.exact && !(t.pure && starts.length)) proven = false;
    });
    return { doc: doc, title: title, fieldTerms: fieldTerms, often: often, proven: proven };
  }

  /* Title (or entity name) equal to the query; then entity names, then
     report titles, starting with its first term; then more terms whole in
     the title or fields; then more terms frequent in the document (three
     times or more); then newer (smaller id). */
  function rank(a, b) {
    return a.title - b.title || b.fieldTerms - a.fieldTerms || b.often - a.often || a.doc - b.doc;
  }

  // ---- checking and excerpts ---------------------------------------------

  /* Finds a folded needle in original text without folding the text (which
     would need the whole table): a text character matches a needle
     character if it is that character or one of its Traditional forms.
     A needle that starts (ends) with a letter or digit must not have one
     before (after) it in the text. Returns [start, end] UTF-16 offsets of
     the first match at or after `from`, or null. */
  function finder(needle) {
    var want = Array.from(needle).map(function (ch) { return ch.codePointAt(0); });
    var chars = Array.from(needle);
    var wordStart = chars.length > 0 && isWord(chars[0]);
    var wordEnd = chars.length > 0 && isWord(chars[chars.length - 1]);
    return function (text, from) {
      var cps = [];
      var offs = [];
      var i = 0;
      for (var ch of text) {
        cps.push(foldSimple(ch.codePointAt(0)));
        offs.push(i);
        i += ch.length;
      }
      offs.push(i);
      var wordAt = function (a) {
        return a >= 0 && a < cps.length && isWord(String.fromCodePoint(foldCp(cps[a])));
      };
      outer: for (var a = 0; a + want.length <= cps.length; a++) {
        if (offs[a] < (from || 0)) continue;
        for (var k = 0; k < want.length; k++) {
          var c = cps[a + k];
          if (c !== want[k]) {
            var forms = unfoldMap.get(want[k]);
            if (!forms || !forms.has(c)) continue outer;
          }
        }
        if (wordStart && wordAt(a - 1)) continue;
        if (wordEnd && wordAt(a + want.length)) continue;
        return [offs[a], offs[a + want.length]];
      }
      return null;
    };
  }

  /* Whether every term is in the document's fields or text; resolves to
     the excerpt source {text, at} (at = -1: no match in the text) or null. */
  function verify(d, terms) {
    var best = -1;
    for (var i = 0; i < terms.length; i++) {
      var find = finder(terms[i].needle);
      var m = find(d.x, 0);
      if (!m && !find(d.f, 0)) return null;
      if (m && (best < 0 || m[0] < best)) best = m[0];
    }
    return { text: d.x, at: best };
  }

  /* Appends `text` to `el`, with every occurrence of the needles marked. */
  function highlight(el, text, needles) {
    var marks = [];
    needles.forEach(function (n) {
      var find = finder(n);
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

  /* About `len` characters around `at` (or from the start), one line. */
  function excerpt(src, len) {
    var at = Math.max(0, src.at);
    var startLine = src.text.lastIndexOf('\n', at - 1) + 1;
    var chars = Array.from(src.text.slice(startLine).replace(/\s+/g, ' '));
    var pos = Array.from(src.text.slice(startLine, at)).length;
    var start = Math.max(0, pos - 30);
    var end = Math.min(chars.length, start + len);
    var more = end < chars.length || src.text.indexOf('\n', at) >= 0;
    return (start > 0 ? '…' : '') + chars.slice(start, end).join('') + (more ? '…' : '');
  }

  // ---- the page ------------------------------------------------------------

  var ui = {};
  var results = [];
  var shown = 0;
  var runId = 0;
  var terms = [];

  function tr(key, vars) {
    var s = ui.root.getAttribute('data-t-' + key) || '';
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
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

  function finish(status) {
    ui.status.textContent = status;
    ui.more.hidden = true;
    ui.root.setAttribute('data-state', 'done');
  }

  function run() {
    var id = ++runId;
    var t0 = performance.now();
    ui.root.setAttribute('data-state', 'busy');
    var st = state();
    writeUrl(st);
    var filterValues = FILTERS.filter(function (f) { return st[f]; }).map(function (f) { return [f, st[f]]; });
    return tablePages(st.q + filterValues.map(function (x) { return x[1]; }).join('')).then(function () {
      if (id !== runId) return;
      var parsed = parseQuery(st.q);
      terms = parsed.terms;
      var fgrams = filterValues.map(function (x) { return x[0] + ':' + fold(x[1].trim()); });
      results = [];
      ui.list.textContent = '';
      ui.hint.textContent = parsed.ignored.length ? tr('ignored', { terms: parsed.ignored.join(' ') }) : '';
      ui.examples.hidden = !!(st.q.trim() || fgrams.length);
      if (!terms.length && !fgrams.length) return finish('');
      ui.status.textContent = tr('loading');
      var all = [];
      terms.forEach(function (t) { all = all.concat(t.grams.map(function (g) { return g.g; })); });
      all = all.concat(fgrams);
      var needed = {};
      all.forEach(function (g) { needed[shardOf(g)] = true; });
      var loads = Object.keys(needed).map(function (k) { return load('s/' + k + '.js'); });
      loads.push(tablePages(terms.map(function (t) { return t.needle; }).join('')));
      return Promise.all(loads).then(function () {
        if (id !== runId) return;
        var t1 = performance.now();
        var rows = intersect(all.map(postings));
        results = rows.map(function (r) { return score(r.doc, r.row, terms); });
        results.sort(rank);
        var t2 = performance.now();
        shown = 0;
        return showMore(id, FIRST).then(function () {
          /* For measurements: index loading, ranking, and the first page
             (which loads its documents) in milliseconds. */
          HW.timing = { load: t1 - t0, rank: t2 - t1, page: performance.now() - t2 };
        });
      });
    });
  }

  /* Renders the next `count` results, dropping candidates a check rules out. */
  function showMore(id, count) {
    ui.root.setAttribute('data-state', 'busy');
    var added = 0;
    function next() {
      if (id !== runId) return Promise.resolve();
      if (added >= count || shown >= results.length) return Promise.resolve();
      var hit = results[shown];
      return loadDoc(hit.doc).then(function (d) {
        if (id !== runId) return;
        var src = d && verify(d, terms);
        if (!src) { results.splice(shown, 1); return next(); }
        hit.proven = true;
        ui.list.appendChild(render(d, src));
        shown++;
        added++;
        return next();
      });
    }
    return next().then(function () {
      if (id !== runId) return;
      var n = results.length;
      var sure = results.filter(function (r) { return r.proven; }).length;
      var status = n === 0 ? tr('none') : sure === n ? tr('count', { n: n }) : tr('count_range', { lo: sure, hi: n });
      finish(status);
      ui.more.hidden = shown >= n;
    });
  }

  function render(d, src) {
    var needles = terms.map(function (t) { return t.needle; });
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
    var where = [tr('type-' + d.y) || d.y].concat(d.l || []);
    var loc = document.createElement('span');
    loc.className = 'search-location';
    loc.textContent = where.join(' › ');
    meta.appendChild(loc);
    if (d.d) {
      var date = document.createElement('span');
      date.textContent = d.d;
      meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(date);
    }
    li.appendChild(meta);
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

  /* The empty page offers the most used tags and kinds as searches. */
  function fillExamples() {
    var links = [];
    ['tag', 'kind'].forEach(function (f) {
      (manifest.filters[f] || []).slice(0, f === 'tag' ? 8 : 4).forEach(function (pair) {
        var a = document.createElement('a');
        a.href = '?' + f + '=' + encodeURIComponent(pair[0]);
        a.textContent = pair[0];
        a.setAttribute('data-filter', f);
        links.push(a);
      });
    });
    if (!links.length) return;
    ui.examples.appendChild(document.createTextNode(tr('examples') + ' '));
    links.forEach(function (a, i) {
      if (i) ui.examples.appendChild(document.createTextNode(' · '));
      ui.examples.appendChild(a);
    });
  }

  function start() {
    ui.root = document.getElementById('search');
    if (!ui.root || !manifest) return;
    if (!window.DecompressionStream) {
      document.getElementById('search-status').textContent = tr('old_browser');
      return;
    }
    base = ui.root.getAttribute('data-base') || '';
    ui.siteRoot = ui.root.getAttribute('data-root') || '';
    ui.linkIndex = ui.root.getAttribute('data-index') || '';
    ui.q = document.getElementById('search-q');
    ui.form = document.getElementById('search-form');
    ui.list = document.getElementById('search-results');
    ui.status = document.getElementById('search-status');
    ui.hint = document.getElementById('search-hint');
    ui.examples = document.getElementById('search-examples');
    ui.more = document.getElementById('search-more');
    ui.sel = {};
    FILTERS.forEach(function (f) { ui.sel[f] = document.getElementById('search-' + f); });
    fillFilters();
    fillExamples();
    readUrl();
    var timer = 0;
    ui.q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    FILTERS.forEach(function (f) { if (ui.sel[f]) ui.sel[f].addEventListener('change', run); });
    ui.form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    ui.more.addEventListener('click', function () { showMore(runId, MORE); });
    run();
  }

  /* For tests and measurements: which index files this page has loaded. */
  HW.loaded = function () { return Object.keys(loading); };
})();
