// Bytes Pagefind's own search code (pagefind.js + its wasm) loads for each
// query, run in Node with fetch() answered from the built site on disk.
// Usage: node bench/pagefind_query.mjs SITE_DIR RESULTS_SHOWN QUERY...
// Prints one JSON object per query: {query, hits, files, bytes, by_kind}.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, shownArg, ...queries] = process.argv.slice(2);
const shown = Number(shownArg || 5);
const BASE = 'http://bench.invalid/pagefind/';
let log = [];
globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : input.url;
  const rel = decodeURIComponent(new URL(url).pathname).replace(/^\//, '');
  const file = path.join(site, rel);
  const body = fs.readFileSync(file);
  log.push([rel, body.length]);
  return new Response(body, { status: 200, headers: { 'content-type': rel.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
};
if (!globalThis.location) globalThis.location = new URL(BASE);

const src = path.join(site, 'pagefind', 'pagefind.js');
const mod = path.join(process.env.TMPDIR || '/tmp', `pagefind-bench-${process.pid}.mjs`);
fs.copyFileSync(src, mod);
const scriptBytes = fs.statSync(src).size;

for (const q of queries) {
  // A fresh module instance per query: nothing cached between queries.
  const pf = await import(pathToFileURL(mod).href + '?q=' + encodeURIComponent(q));
  log = [['pagefind/pagefind.js', scriptBytes]];
  await pf.options({ basePath: BASE });
  await pf.init();
  const r = await pf.search(q);
  await Promise.all(r.results.slice(0, shown).map((x) => x.data()));
  const by = {};
  for (const [rel, n] of log) {
    const k = rel.includes('/fragment/') ? 'fragment' : rel.includes('/index/') ? 'index' : rel.endsWith('.pf_meta') ? 'meta' : rel.includes('wasm') ? 'wasm' : 'script';
    by[k] = (by[k] || 0) + n;
  }
  console.log(JSON.stringify({ query: q, hits: r.results.length, files: log.length, bytes: log.reduce((a, x) => a + x[1], 0), by_kind: by }));
  await pf.destroy?.();
}
fs.unlinkSync(mod);
