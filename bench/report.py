#!/usr/bin/env python3
"""Summarises a bench/run.sh results directory: medians per tool and size,
ratios, search sizes and bytes per query. Prints Markdown and writes
summary.json beside the raw files.

Usage: report.py RESULTS_DIR [SUMMARY_JSON]   (default RESULTS_DIR/summary.json)
"""
import glob
import json
import os
import re
import statistics
import sys

TOOLS = ["huiwen", "hugo", "hugo+pagefind", "zola", "lowerbound"]


def parse_time_v(text):
    """GNU time -v output → wall s, user s, sys s, max RSS KiB."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        k, _, v = line.rpartition(": ")
        if k == "User time (seconds)":
            out["user"] = float(v)
        elif k == "System time (seconds)":
            out["sys"] = float(v)
        elif k == "Maximum resident set size (kbytes)":
            out["rss_kib"] = int(v)
        elif k.startswith("Elapsed (wall clock) time"):
            parts = [float(p) for p in v.split(":")]
            secs = 0.0
            for p in parts:
                secs = secs * 60 + p
            out["wall"] = secs
        elif k == "Exit status":
            out["exit"] = int(v)
    return out


def parse_round(path):
    """hyperfine --export-json of one round → {tool: wall seconds}."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {r["command"]: statistics.median(r["times"]) if r.get("times") else r["mean"]
            for r in data["results"]}


def kv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = [int(p) if p.isdigit() else p for p in parts[1:]]
    return out


def jsonl(path):
    if not os.path.exists(path):
        return []
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def summarise_rounds(d, prefix):
    """Medians per tool over the rounds `<prefix>-<r>.json` (wall from
    hyperfine, CPU and peak RSS from the matching `<tool>-[over-]<r>.time`)."""
    walls = {t: [] for t in TOOLS}
    cpu = {t: [] for t in TOOLS}
    rss = {t: [] for t in TOOLS}
    tag = "" if prefix == "round" else prefix + "-"
    for rj in sorted(glob.glob(os.path.join(d, "%s-*.json" % prefix))):
        r = re.search(r"-(\d+)\.json$", rj).group(1)
        for tool, wall in parse_round(rj).items():
            if tool not in walls:
                continue
            walls[tool].append(wall)
            tv = os.path.join(d, "%s-%s%s.time" % (tool, tag, r))
            if os.path.exists(tv):
                t = parse_time_v(open(tv, encoding="utf-8").read())
                cpu[tool].append(t["user"] + t["sys"])
                rss[tool].append(t["rss_kib"])
    out = {}
    for t in TOOLS:
        if walls[t]:
            out[t] = {
                "wall_s": statistics.median(walls[t]),
                "wall_min_s": min(walls[t]),
                "wall_max_s": max(walls[t]),
                "cpu_s": statistics.median(cpu[t]) if cpu[t] else None,
                "rss_mib": statistics.median(rss[t]) / 1024 if rss[t] else None,
            }
    return len(walls["huiwen"]), out


def summarise_size(d):
    runs, tools = summarise_rounds(d, "round")
    over_runs, over = summarise_rounds(d, "over")
    s = {"runs": runs, "tools": tools, "over_runs": over_runs, "over": over}
    s["outputs"] = kv(os.path.join(d, "outputs.txt"))
    s["search_size"] = kv(os.path.join(d, "search-size.txt"))
    s["queries_huiwen"] = jsonl(os.path.join(d, "search-huiwen.jsonl"))
    s["queries_pagefind"] = jsonl(os.path.join(d, "search-pagefind.jsonl"))
    return s


def fmt_s(x):
    return "–" if x is None else ("%.2f s" % x)


def ratio(a, b):
    return "–" if not a or not b else "%.2f×" % (a / b)


def build_table(summary, key, title, runs_key):
    out = []
    sizes = sorted(summary["sizes"], key=int)
    if not any(summary["sizes"][n][key] for n in sizes):
        return out
    out.append("### %s (median of alternating runs; runs: %s)\n" % (
        title, ", ".join("%s reports %s" % (format(int(n), ","), summary["sizes"][n][runs_key]) for n in sizes)))
    out.append("| reports | tool | wall | CPU (user+sys) | peak RSS | wall vs Hugo | wall vs Hugo+Pagefind | wall vs Zola | RSS vs Hugo |")
    out.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        t = summary["sizes"][n][key]
        hugo = t.get("hugo", {})
        pf = t.get("hugo+pagefind", {})
        zola = t.get("zola", {})
        for tool in TOOLS:
            if tool not in t:
                continue
            x = t[tool]
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                format(int(n), ","), tool, fmt_s(x["wall_s"]), fmt_s(x["cpu_s"]),
                "–" if x["rss_mib"] is None else "%.0f MiB" % x["rss_mib"],
                ratio(x["wall_s"], hugo.get("wall_s")), ratio(x["wall_s"], pf.get("wall_s")),
                ratio(x["wall_s"], zola.get("wall_s")),
                ratio(x["rss_mib"], hugo.get("rss_mib"))))
    return out


def markdown(summary):
    out = []
    sizes = sorted(summary["sizes"], key=int)
    out += build_table(summary, "tools", "Full build into a fresh folder", "runs")
    out.append("")
    out += build_table(summary, "over", "Full build over the previous output", "over_runs")
    if len(sizes) > 1:
        out.append("\n### Scaling (wall time per 1,000 reports)\n")
        out.append("| tool | " + " | ".join(format(int(n), ",") for n in sizes) + " |")
        out.append("| --- |" + " ---: |" * len(sizes))
        for tool in TOOLS:
            row = []
            for n in sizes:
                x = summary["sizes"][n]["tools"].get(tool)
                row.append("–" if not x else "%.3f s" % (x["wall_s"] * 1000 / int(n)))
            out.append("| %s | %s |" % (tool, " | ".join(row)))
    out.append("\n### Output\n")
    out.append("| reports | tool | files | bytes | pages (index.html) |")
    out.append("| ---: | --- | ---: | ---: | ---: |")
    for n in sizes:
        for tool, v in summary["sizes"][n]["outputs"].items():
            out.append("| %s | %s | %s | %.1f MB | %s |" % (format(int(n), ","), tool, format(v[0], ","), v[1] / 1e6, format(v[2], ",")))
    out.append("\n### Search index\n")
    out.append("| reports | huiwen files | huiwen bytes | Pagefind files | Pagefind bytes (all) | Pagefind index+fragments+meta | Zola index (one file) |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        s = summary["sizes"][n]["search_size"]
        g = lambda k: s.get(k, [0])[0]
        out.append("| %s | %s | %.1f MB | %s | %.1f MB | %.1f MB | %s |" % (
            format(int(n), ","), format(g("huiwen_files"), ","), g("huiwen_bytes") / 1e6,
            format(g("pagefind_files"), ","), g("pagefind_bytes") / 1e6, g("pagefind_index_bytes") / 1e6,
            "%.1f MB" % (g("zola_bytes") / 1e6) if g("zola_bytes") else "–"))
    for n in sizes:
        sz = summary["sizes"][n]
        hq = {q["query"]: q for q in sz["queries_huiwen"]}
        pq = {q["query"]: q for q in sz["queries_pagefind"]}
        if not hq and not pq:
            continue
        ui = sz["search_size"].get("pagefind_ui_bytes", [0])[0]
        out.append("\n### Bytes loaded per query, %s reports (first page of results)\n" % format(int(n), ","))
        out.append("| query | huiwen result line | huiwen KB | Pagefind hits | Pagefind KB (pagefind.js API) | Pagefind KB (+ default UI) | huiwen / Pagefind+UI |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for q in list(dict.fromkeys(list(hq) + list(pq))):
            h, p = hq.get(q), pq.get(q)
            hb = h["bytes"] if h else None
            pb = p["bytes"] if p else None
            out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                q, (h.get("status") or h.get("candidates", "–")) if h else "–", "–" if hb is None else "%.1f" % (hb / 1024),
                p["hits"] if p else "–", "–" if pb is None else "%.1f" % (pb / 1024),
                "–" if pb is None else "%.1f" % ((pb + ui) / 1024),
                ratio(hb, (pb + ui) if pb is not None else None)))
    return "\n".join(out) + "\n"


def main(res, json_path=None):
    summary = {"machine": open(os.path.join(res, "machine.txt"), encoding="utf-8").read()
               if os.path.exists(os.path.join(res, "machine.txt")) else "", "sizes": {}}
    for d in sorted(glob.glob(os.path.join(res, "*"))):
        n = os.path.basename(d)
        if os.path.isdir(d) and n.isdigit():
            summary["sizes"][n] = summarise_size(d)
    with open(json_path or os.path.join(res, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    sys.stdout.write(markdown(summary))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
