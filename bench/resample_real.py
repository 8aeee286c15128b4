#!/usr/bin/env python3
"""A benchmark site whose report bodies are real report text, resampled.

`huiwen gen-corpus` writes text from a small vocabulary; real reports have
the character and word mix of real writing (and its junk). This copies a
generated site and replaces every report body with sentences drawn at
random from real material, as many characters as the body it replaces, so
the site keeps the generator's sizes, front matter and entities.

The material is read at bench time and never committed (it is not the
project's text): by default /work/shared/real-material/*.txt.

Usage: resample_real.py GENERATED_SITE OUT_SITE [MATERIAL_DIR] [SEED]
"""
import os
import random
import re
import shutil
import sys


def sentences(material):
    out = []
    for name in sorted(os.listdir(material)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(material, name), encoding="utf-8") as f:
            text = f.read()
        for line in text.splitlines():
            # Sentences end at Chinese or Latin full stops; keep the mark.
            for s in re.findall(r"[^。！？!?]+[。！？!?]?", line):
                s = s.strip()
                if len(s) >= 4:
                    out.append(s)
    if not out:
        raise SystemExit("no material in %s" % material)
    return out


def body_of(text):
    """(front matter with its fences, body) of a Markdown report."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[: end + 5], text[end + 5:]
    return "", text


def resample(pool, n_chars, rng):
    paras, size = [], 0
    while size < n_chars:
        p = "".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
        paras.append(p)
        size += len(p)
    return "\n\n".join(paras) + "\n"


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    material = sys.argv[3] if len(sys.argv) > 3 else "/work/shared/real-material"
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20260509)
    pool = sentences(material)
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("output", "public", "hugo*"))
    reports = os.path.join(out, "content", "reports")
    n = 0
    for d, _, files in sorted(os.walk(reports)):
        for f in sorted(files):
            if not f.endswith(".md"):
                continue
            p = os.path.join(d, f)
            with open(p, encoding="utf-8") as fh:
                front, body = body_of(fh.read())
            # Same length as the generated body, counted in characters.
            text = resample(pool, len(re.sub(r"\s+", "", body)), rng)
            with open(p, "w", encoding="utf-8") as fh:
                fh.write(front + "\n" + text)
            n += 1
    print("resampled %d reports from %d sentences into %s" % (n, len(pool), out))


if __name__ == "__main__":
    main()
