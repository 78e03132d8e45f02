"""A lower bound on any brute-force settlement engine written in Python, such as NegMAS's Pareto frontier:
every outcome enumerated and every party's linear-additive utility of it summed, in plain Python, and
nothing else (no dominance filter, no bargaining point). A Python library that enumerates the outcomes
must at least do this work, so its time bounds theirs from below.

Reads {"values": [party][issue][option] floats} from standard input; prints the milliseconds taken.
Used by bench/real-table.ts where `python3` is on the PATH.
"""
import itertools
import json
import sys
import time

values = json.load(sys.stdin)["values"]
issues = len(values[0])
started = time.perf_counter()
count = 0
for outcome in itertools.product(*(range(len(values[0][i])) for i in range(issues))):
    utilities = tuple(sum(party[i][option] for i, option in enumerate(outcome)) for party in values)
    count += 1
elapsed = (time.perf_counter() - started) * 1000
print(json.dumps({"ms": elapsed, "outcomes": count}))
