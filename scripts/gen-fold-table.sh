#!/usr/bin/env bash
# Regenerates src/base/fold_table.txt, the Traditional → Simplified
# character table used by search folding (src/search/fold.rs and the
# browser's search.js, which receive the same table).
#
# Source: OpenCC's dictionaries (Apache-2.0, https://github.com/BYVoid/OpenCC),
# as shipped inside the crates.io package `ferrous-opencc` under
# assets/dictionaries/ (crates.io is reachable from the build machines, GitHub
# may not be). The package is fetched with `cargo fetch` through a throw-away
# project in a temporary directory; CARGO_HOME is left as it is.
#
# Output: one pair per line, `<from><to>` (two characters, no separator),
# sorted by code point of <from>. Only single character → single character
# pairs are kept; the first candidate of a multi-valued entry wins.
# Variant tables are applied before TSCharacters, so a Taiwan/Hong Kong form
# folds to the same character as the OpenCC standard form; the result is
# closed under itself (folding twice = folding once).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${FERROUS_OPENCC_VERSION:-=0.4.0}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
cat > "$tmp/Cargo.toml" <<TOML
[package]
name = "fold-table-fetch"
version = "0.0.0"
edition = "2021"
[dependencies]
ferrous-opencc = "$VERSION"
TOML
echo 'fn main() {}' > "$tmp/src/main.rs"
cargo fetch --quiet --manifest-path "$tmp/Cargo.toml"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
pkg="$(cargo metadata --format-version 1 --manifest-path "$tmp/Cargo.toml" |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print(next(p["manifest_path"] for p in m["packages"] if p["name"]=="ferrous-opencc"))')"
dict="$(dirname "$pkg")/assets/dictionaries"
[ -f "$dict/TSCharacters.txt" ] || { echo "no dictionaries in $dict" >&2; exit 1; }
echo "reading $dict (CARGO_HOME=$cargo_home)" >&2

python3 - "$dict" > src/base/fold_table.txt <<'PY'
import sys, os
d = sys.argv[1]
def load(name):
    m = {}
    with open(os.path.join(d, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip().lstrip("\ufeff")
            if not line or line.startswith("#"):
                continue
            key, _, vals = line.partition("\t")
            vals = vals.split()
            if len(key) == 1 and vals and len(vals[0]) == 1 and vals[0] != key:
                m.setdefault(key, vals[0])
    return m
# Checked against the Simplified standard: a character that Simplified text
# itself uses (GB2312, the Simplified national set, stands in for the
# 通用规范汉字表 here; src/search/fold.rs tests the same with encoding_rs) is
# never folded into another one, or Simplified text would match what it does
# not contain (么→幺, 著→着, 乾→干). Only where its Simplified use is as the
# Traditional form of the target is it folded (EXCEPT). A pair that would
# turn a Simplified character into a Traditional one is turned round.
EXCEPT = {"後": "后", "於": "于", "麽": "么"}
def simplified(c):
    try:
        c.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False
def checked(m):
    out = {}
    for k, v in m.items():
        if k in EXCEPT:
            out[k] = EXCEPT[k]
        elif not simplified(k):
            out[k] = v
        elif not simplified(v):
            out.setdefault(v, k)
    return out
ts = checked(load("TSCharacters.txt"))
variants = {}
for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
    for k, v in checked(load(name)).items():
        variants.setdefault(k, v)
def fold(c):
    seen = set()
    while c not in seen:
        seen.add(c)
        n = ts.get(variants.get(c, c), variants.get(c, c))
        if n == c:
            break
        c = n
    return c
keys = sorted(set(ts) | set(variants))
out = []
for k in keys:
    v = fold(k)
    if v != k:
        out.append((k, v))
# A folded character must itself be a fixed point.
for k, v in out:
    assert fold(v) == v, (k, v)
for k, v in out:
    print(k + v)
PY
echo "wrote $(wc -l < src/base/fold_table.txt) pairs to src/base/fold_table.txt" >&2
