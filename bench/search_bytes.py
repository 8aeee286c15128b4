#!/usr/bin/env python3
"""Bytes huiwen's search page loads for a query, from a built site on disk.

Replicates what themes/default/static/search.js loads (keep the two in step):
the script and search/index.js (manifest), the fold-table pages for the query
characters (f/), the shards of every gram (s/), the unfold pages (u/), then,
for the first page of results (10), each hit's document file (d/) and the body
segments that checking and the excerpt need. Hits a check rules out are
dropped and the next candidate is loaded, as the page does.

Usage: search_bytes.py OUTPUT_DIR QUERY...   → one JSON object per query.
"""
import json
import os
import re
import sys

PAGE = 10
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
VALUE = {c: i for i, c in enumerate(DIGITS)}


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def is_cjk(cp):
    return (cp in (0x3005, 0x3007) or 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x4DBF
            or 0x4E00 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3FFFF)


def fold_simple(cp):
    if cp in (0x3000, 10, 13, 9):
        return 32
    if 0xFF01 <= cp <= 0xFF5E:
        cp -= 0xFEE0
    return cp + 32 if 65 <= cp <= 90 else cp


class Page:
    def __init__(self, out):
        self.search = os.path.join(out, "search")
        self.loaded = {}  # path under the site → bytes
        script = os.path.join(out, "assets", "search.js")
        self.loaded["assets/search.js"] = os.path.getsize(script)
        self.manifest = json.loads(self._call("index.js", "HW.manifest("))
        self.fold, self.unfold = {}, {}
        self.shards, self.docs, self.segs = {}, {}, {}

    def _read(self, rel):
        p = os.path.join(self.search, rel)
        if not os.path.exists(p):
            self.loaded.setdefault("search/" + rel, 0)
            return None
        with open(p, encoding="utf-8") as f:
            text = f.read()
        self.loaded.setdefault("search/" + rel, len(text.encode("utf-8")))
        return text

    def _call(self, rel, prefix):
        text = self._read(rel)
        if text is None:
            return None
        assert text.startswith(prefix), (rel, text[:40])
        return text[len(prefix):].rstrip().rstrip(";").rstrip(")")

    def table_pages(self, d, s):
        want = {format(ord(c) >> 8, "x") for c in s if ord(c) >= 128}
        have = self.manifest["fold"] if d == "f" else self.manifest["unfold"]
        for p in have:
            if p in want and ("search/%s/%s.js" % (d, p)) not in self.loaded:
                body = self._call("%s/%s.js" % (d, p), "HW.fold(")
                cps = list(json.loads(body))
                for i in range(0, len(cps) - 1, 2):
                    a, b = ord(cps[i]), ord(cps[i + 1])
                    self.fold[a] = b
                    self.unfold.setdefault(b, set()).add(a)

    def fold_str(self, s):
        out = []
        for ch in s:
            cp = ord(ch)
            if cp == 0x3000:
                cp = 32
            elif 0xFF01 <= cp <= 0xFF5E:
                cp -= 0xFEE0
            if cp < 128:
                cp = cp + 32 if 65 <= cp <= 90 else cp
            else:
                cp = self.fold.get(cp, cp)
            out.append(chr(cp))
        return "".join(out)

    def shard(self, k):
        if k not in self.shards:
            body = self._call("s/%d.js" % k, "HW.shard(")
            self.shards[k] = {} if body is None else json.loads(body.split(",", 1)[1])
        return self.shards[k]

    def doc_path(self, i, tail):
        d = self.manifest["dir"]
        return "d/%d/%d%s.js" % (i // d, i % d, "-t" if tail else "")

    def load_doc(self, i):
        if i not in self.docs:
            body = self._call(self.doc_path(i, False), "HW.doc(")
            self.docs[i] = None if body is None else json.loads(body.split(",", 1)[1])
        return self.docs[i]

    def load_seg(self, i, s):
        if s == 0:
            d = self.load_doc(i)
            return d["x"] if d else ""
        if i not in self.segs:
            body = self._call(self.doc_path(i, True), "HW.tail(")
            self.segs[i] = [] if body is None else json.loads(body.split(",", 1)[1])
        tail = self.segs[i]
        return tail[s - 1] if s - 1 < len(tail) else ""

    def index_in(self, text, needle):
        want = [ord(c) for c in needle]
        cps = [fold_simple(ord(c)) for c in text]
        for a in range(0, len(cps) - len(want) + 1):
            for k, w in enumerate(want):
                c = cps[a + k]
                if c != w and c not in self.unfold.get(w, ()):
                    break
            else:
                return a
        return -1


def tokens(s):
    out, cur, cl_prev = [], None, None
    for ch in s:
        cp = ord(ch)
        cl = "c" if is_cjk(cp) else ("w" if ch.isalnum() else "")
        if cur is not None and cl_prev == cl:
            cur[1] += ch
            continue
        cur = [cl, ch] if cl else None
        cl_prev = cl if cl else None
        if cur:
            out.append(cur)
    return out


def query_grams(folded):
    toks = tokens(folded)
    grams, exact = [], len(toks) == 1
    for cl, text in toks:
        if cl == "w" or len(text) <= 2:
            grams.append(text)
        else:
            # bigram_cover in tokenize.rs: every other bigram, plus the last.
            exact = False
            grams.extend(text[i:i + 2] for i in range(0, len(text) - 1, 2))
            if len(text) % 2 == 1:
                grams.append(text[-2:])
    seen = []
    for g in grams:
        if g not in seen:
            seen.append(g)
    return {"grams": seen, "exact": exact, "tokens": [t[1] for t in toks]}


def parse_query(page, q):
    terms = []
    for m in re.finditer(r'"([^"]*)"?|“([^”]*)”?|(\S+)', q):
        raw = next((g for g in m.groups() if g is not None), "")
        folded = re.sub(r"\s+", " ", page.fold_str(raw)).strip()
        if not folded:
            continue
        g = query_grams(folded)
        if g["grams"]:
            # One token: punctuation around it is not part of what must match.
            g["needle"] = g["tokens"][0] if len(g["tokens"]) == 1 else folded
            terms.append(g)
    return terms


def decode(s):
    out, i, prev = [], 0, -1

    def nxt():
        nonlocal i
        v, mul = 0, 1
        while True:
            d = VALUE[s[i]]
            i += 1
            v += (d & 31) * mul
            mul *= 32
            if not d & 32:
                return v

    while i < len(s):
        doc = prev + 1 + nxt()
        prev = doc
        v = nxt()
        seg = nxt() if v & 1 else 0
        out.append({"doc": doc, "count": v // 4, "title": (v & 2) == 2, "seg": seg})
    return out


def find_in_body(page, i, needle, frm, limit=None):
    n = page.docs[i]["n"] if limit is None else min(page.docs[i]["n"], limit)
    s = max(0, frm)
    text = ""
    while s < n:
        text += page.load_seg(i, s)
        if page.index_in(text, needle) >= 0:
            return True
        keep = max(0, len(needle) - 1)
        if len(text) > keep and s + 1 < n:
            text = text[len(text) - keep:] if keep else ""
        s += 1
    return False


def verify(page, hit, terms):
    i = hit["doc"]
    d = page.docs[i]
    ok = True
    for k, t in enumerate(terms):
        seg = hit["segs"][k]
        if t["exact"]:
            page.load_seg(i, seg)
        elif page.index_in(d["t"] + "\n" + d["f"], t["needle"]) >= 0:
            find_in_body(page, i, t["needle"], seg - 1, seg + 2)
        elif not find_in_body(page, i, t["needle"], seg - 1):
            ok = False
    return ok


def run(out, q):
    page = Page(out)
    page.table_pages("f", q)
    terms = parse_query(page, q)
    grams = [g for t in terms for g in t["grams"]]
    n = page.manifest["n"]
    for g in grams:
        page.shard(fnv1a(g) % n)
    for t in terms:
        page.table_pages("u", t["needle"])
    lists = []
    for g in grams:
        sh = page.shard(fnv1a(g) % n)
        lists.append(decode(sh.get(g, "")))
    rows = []
    if lists:
        maps = [{p["doc"]: p for p in l} for l in lists]
        small = min(range(len(lists)), key=lambda k: len(lists[k]))
        for p in lists[small]:
            row = [maps[k].get(p["doc"]) for k in range(len(lists))]
            if all(row):
                rows.append((p["doc"], row))
    results = []
    for doc, row in rows:
        k, field_terms, matches, segs = 0, 0, 0, []
        for t in terms:
            count, title, seg = float("inf"), True, 0
            for _ in t["grams"]:
                p = row[k]
                k += 1
                count = min(count, p["count"])
                title = title and p["title"]
                seg = max(seg, p["seg"])
            field_terms += 1 if title else 0
            matches += count
            segs.append(seg)
        results.append({"doc": doc, "ft": field_terms, "m": matches, "segs": segs})
    results.sort(key=lambda r: (-r["ft"], -r["m"], r["doc"]))
    shown, dropped, pos = 0, 0, 0
    while shown < PAGE and pos < len(results):
        hit = results[pos]
        pos += 1
        if page.load_doc(hit["doc"]) is None or not verify(page, hit, terms):
            dropped += 1
            continue
        shown += 1
    by = {}
    for rel, size in page.loaded.items():
        key = rel.split("/")[1] if rel.startswith("search/") and rel.count("/") > 1 else rel
        by[key] = by.get(key, 0) + size
    return {"query": q, "candidates": len(results), "dropped": dropped, "shown": shown,
            "files": len(page.loaded), "bytes": sum(page.loaded.values()), "by_kind": by}


if __name__ == "__main__":
    for q in sys.argv[2:]:
        print(json.dumps(run(sys.argv[1], q), ensure_ascii=False))
