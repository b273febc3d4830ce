"""pm4py's handover-of-work network (beta=0) of a log, as the expected JSON of Spur's roles test.

Usage: .tools/bench-venv/bin/python bench/roles_pm4py.py LOG.xes > core/test_data/roles/NAME.handover.json

pm4py counts every pair of consecutive events of a case (self-handovers A -> A included) and
divides by the number of such pairs; the JSON lists those values per (from, to), sorted.
"""
import json
import sys

import pm4py

log = pm4py.read_xes(sys.argv[1])
sna = pm4py.discover_handover_of_work_network(log, beta=0)
# The divisor: consecutive pairs of events within a case (every event has a resource here).
pairs = int(sum(n - 1 for n in log.groupby("case:concept:name").size()))
edges = [
    {"from": a, "to": b, "count": round(v * pairs), "value": round(v, 12)}
    for (a, b), v in sorted(sna.connections.items())
]
json.dump({"log": sys.argv[1].rsplit("/", 1)[-1], "pm4py": pm4py.__version__, "pairs": pairs, "edges": edges}, sys.stdout, indent=1)
print()
