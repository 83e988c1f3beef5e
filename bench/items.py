#!/usr/bin/env python3
"""Writes WORK/items (every item page's path) and WORK/bench_item ("path id reviews" of the book
whose review count is nearest 135, the peers' item 1), read from a running Starboard at BASE.
Usage: bench/items.py BASE WORK (bench/run.sh and bench/side.sh)."""
import json, sys, urllib.request
base, work = sys.argv[1], sys.argv[2]
paths, best = [], None
for line in ("books", "ipads", "tellytubbies"):
    page = 1
    while True:
        with urllib.request.urlopen(f"{base}/api/v1/categories/{line}/items?limit=100&page={page}") as r:
            items = json.load(r)["items"]
        if not items:
            break
        for it in items:
            paths.append(f"/c/{line}/{it['slug']}")
            if line == "books" and (best is None or abs(it["review_count"] - 135) < abs(best["review_count"] - 135)):
                best = it
        page += 1
open(f"{work}/items", "w").write("\n".join(paths) + "\n")
open(f"{work}/bench_item", "w").write(f"/c/books/{best['slug']} {best['id']} {best['review_count']}\n")
