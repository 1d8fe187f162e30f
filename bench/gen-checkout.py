#!/usr/bin/python3
"""Write a synthetic git checkout: N files (default 1,000,000) in leaf
directories up to 40 levels deep, plus its .git/index (format 2, every
entry the empty blob), deterministically.  The files exist on disk, so
the same tree serves the filesystem walk; no git command is needed (git
add of a million files takes minutes).

usage: gen-checkout.py DIR [N]
"""
import hashlib
import os
import struct
import sys

root = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
PER_DIR = 100
EMPTY = bytes.fromhex("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
KINDS = ["main.c", "util.go", "util_test.go", "index.js", "README.md",
         "values.yaml", "x.json", "lib.py", "Makefile.inc", "data.txt"]


def paths():
    for i in range(n):
        leaf = i // PER_DIR
        depth = 2 + leaf % 39           # 2..40 directory levels
        # leaves share their deep chains: ~14 k directories in all
        parts = ["m%02d" % (leaf % 97)] + ["s%d" % k for k in range(depth - 2)]
        parts += ["l%05d" % leaf]
        name = "f%02d-%s" % (i % PER_DIR, KINDS[i % len(KINDS)])
        yield "/".join(parts + [name])


def main():
    for d in ("objects", "refs/heads"):
        os.makedirs(os.path.join(root, ".git", d), exist_ok=True)
    with open(os.path.join(root, ".git", "HEAD"), "w") as f:
        f.write("ref: refs/heads/main\n")
    ps = sorted(p.encode() for p in paths())
    body = bytearray()
    body += b"DIRC" + struct.pack(">II", 2, len(ps))
    made = set()
    for p in ps:
        d = os.path.dirname(p)
        if d not in made:
            os.makedirs(os.path.join(root.encode(), d), exist_ok=True)
            made.add(d)
        full = os.path.join(root.encode(), p)
        if not os.path.exists(full):
            open(full, "wb").close()
        flags = min(len(p), 0xFFF)
        entry = struct.pack(">10I", 0, 0, 0, 0, 0, 0, 0o100644, 0, 0, 0)
        entry += EMPTY + struct.pack(">H", flags) + p
        pad = 8 - (len(entry) % 8)
        body += entry + b"\0" * pad
    body += hashlib.sha1(body).digest()
    with open(os.path.join(root, ".git", "index"), "wb") as f:
        f.write(body)


main()
