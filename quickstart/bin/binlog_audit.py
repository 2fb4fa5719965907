#!/usr/bin/env python3
"""Reads `mariadb-binlog --verbose` output on stdin and counts the transactions after GTID sequence
--after: local ones (no checkpoint row first), and those a Tandem sink applied, by the origin their
leading checkpoint row names. Prints one line: local=N marked:<origin>=N ... ddl=N"""
import argparse, re, signal, sys

signal.signal(signal.SIGINT, lambda *_: sys.exit(130))  # Ctrl-C in the quickstart: no traceback
from collections import Counter

p = argparse.ArgumentParser()
p.add_argument("--after", type=int, required=True)
p.add_argument("--checkpoint", default="tandem.tandem_checkpoint")
a = p.parse_args()

counts = Counter()
group = None

def close(g):
    if g is None:
        return
    if g["ddl"]:
        counts["ddl"] += 1
    elif g["origin"] == "" and g["data"] == 0:
        pass  # a sink task claiming its partitions: checkpoint rows alone, no change
    elif g["origin"] is not None:
        counts["marked:" + g["origin"]] += 1
    elif g["rows"]:
        counts["local"] += 1

for line in sys.stdin:
    m = re.search(r"\tGTID (\d+)-(\d+)-(\d+)( (trans|ddl))?", line)
    if m:
        close(group)
        seq = int(m.group(3))
        group = {"ddl": m.group(5) == "ddl", "origin": None, "rows": 0, "data": 0, "first": True, "marker": False} if seq > a.after else None
        continue
    if group is None:
        continue
    m = re.match(r"### (INSERT INTO|UPDATE|DELETE FROM) `([^`]*)`\.`([^`]*)`", line)
    if m:
        table = m.group(2) + "." + m.group(3)
        group["marker"] = table == a.checkpoint and group["first"]
        group["first"] = False
        group["rows"] += 1
        if table != a.checkpoint:
            group["data"] += 1
        continue
    m = re.match(r"###   @4='(.*)'", line)
    if m and group["marker"]:
        group["origin"] = m.group(1)
close(group)
print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "empty")
