#!/usr/bin/env python3
"""Bytes huiwen's search page loads for a first query, measured in the browser.

Opens OUTPUT_DIR/search/index.html?q=QUERY from file:// in headless Chromium
(driven through chromedriver's WebDriver HTTP interface; only the standard
library here), waits until the page has shown its first page of results,
and adds up the size on disk of everything that search needed: the page,
its style sheets, its scripts, and every index file the page loaded
(HW.loaded()). Each query gets a fresh page, so nothing is counted as
cached. Nothing is replayed or estimated: the page itself decides what it
loads.

Usage: search_bytes.py OUTPUT_DIR QUERY...   → one JSON object per query.
Needs chromium and chromedriver on PATH (Debian: chromium, chromium-driver).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["chromedriver", "--port=%d" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.profile = tempfile.mkdtemp()
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("chromedriver did not start")
                time.sleep(0.05)
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": binary,
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run",
                     "--user-data-dir=" + self.profile]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["value"]

    def go(self, url):
        self.call("POST", "/session/%s/url" % self.session, {"url": url})

    def js(self, script):
        return self.call("POST", "/session/%s/execute/sync" % self.session,
                         {"script": script, "args": []})

    def close(self):
        try:
            self.call("DELETE", "/session/%s" % self.session)
        finally:
            self.proc.terminate()
            self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


WAIT = "var e = document.getElementById('search'); return e && e.getAttribute('data-state') === 'done' && !!window.HW && !!HW.timing;"
LOADED = """
var page = [location.pathname];
document.querySelectorAll('link[rel=stylesheet]').forEach(function (l) { page.push(new URL(l.href).pathname); });
document.querySelectorAll('script[src]').forEach(function (s) { page.push(new URL(s.src).pathname); });
return {page: page, index: HW.loaded(), timing: HW.timing,
        status: document.getElementById('search-status').textContent,
        shown: document.querySelectorAll('#search-results [data-url]').length};
"""


def measure(driver, out, q):
    root = os.path.abspath(out)
    driver.go("file://%s/search/index.html?q=%s" % (root, urllib.parse.quote(q)))
    deadline = time.time() + 60
    while not driver.js(WAIT):
        if time.time() > deadline:
            raise SystemExit("search did not finish for %r" % q)
        time.sleep(0.03)
    r = driver.js(LOADED)
    files = set(urllib.parse.unquote(p) for p in r["page"])
    files.update(os.path.join(root, "search", p) for p in r["index"])
    by = {}
    total = 0
    for f in sorted(files):
        size = os.path.getsize(f) if os.path.exists(f) else 0
        rel = os.path.relpath(f, root)
        parts = rel.split(os.sep)
        key = parts[1] if parts[0] == "search" and len(parts) > 2 else rel
        by[key] = by.get(key, 0) + size
        total += size
    return {"query": q, "status": r["status"], "shown": r["shown"], "files": len(files),
            "bytes": total, "by_kind": by,
            "ms": {k: round(v, 1) for k, v in (r["timing"] or {}).items()}}


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    d = Driver()
    try:
        for q in sys.argv[2:]:
            print(json.dumps(measure(d, sys.argv[1], q), ensure_ascii=False), flush=True)
    finally:
        d.close()
