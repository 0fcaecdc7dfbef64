#!/usr/bin/python3
"""edge_errors.py: how far detected event edges are from the truth.

Usage: tests/edge_errors.py TRUTH.csv EVENTS.csv [EVENTS2.csv ...]

Each truth event (recording, start_s, end_s, type) is paired with the
detected event of the same recording that overlaps it most; onset error =
detected start - true start, offset error = detected end - true end (s).
Prints, per truth type and for each EVENTS file, the events paired, and
the median and 95th percentile of |onset error| and |offset error|, and
the median signed errors.  For measuring the detector (issue 12), not a
test.
"""
import csv
import os
import sys


def load(path, start="start_s", end="end_s"):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append((os.path.basename(r["recording"]), float(r[start]), float(r[end]),
                         r.get("type", "")))
    return rows


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    i = q * (len(xs) - 1)
    lo = int(i)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def main():
    truth = load(sys.argv[1])
    for path in sys.argv[2:]:
        pred = load(path)
        by_type = {}
        for rec, s, e, t in truth:
            best, ov = None, 0.0
            for prec, ps, pe, _ in pred:
                if prec != rec:
                    continue
                o = min(e, pe) - max(s, ps)
                if o > ov:
                    best, ov = (ps, pe), o
            d = by_type.setdefault(t, {"n": 0, "on": [], "off": []})
            d["n"] += 1
            if best:
                d["on"].append(best[0] - s)
                d["off"].append(best[1] - e)
        print(path)
        print("  %-12s %7s %9s %9s %9s %9s %9s %9s" % ("type", "paired", "on_med", "on_p95",
                                                     "off_med", "off_p95", "on_sgn", "off_sgn"))
        for t, d in sorted(by_type.items()):
            on = [abs(x) for x in d["on"]]
            off = [abs(x) for x in d["off"]]
            print("  %-12s %3d/%-3d %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f" % (
                t, len(on), d["n"], pct(on, .5), pct(on, .95), pct(off, .5), pct(off, .95),
                pct(d["on"], .5), pct(d["off"], .5)))


if __name__ == "__main__":
    main()
