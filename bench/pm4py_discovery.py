"""Time pm4py 2.7's discovery and conformance on one log, for docs/BENCHMARKS.md.

Run: .tools/bench-venv/bin/python bench/pm4py_discovery.py LOG [--no-alignments]
Prints JSON seconds: inductive miner (IM), IMf 0.2, token-replay fitness and precision on the
IMf net, alignment fitness on the IMf net. Compare with `spur discover/conformance --timing`.
"""
import json
import sys
import time

import pm4py

log = pm4py.read_xes(sys.argv[1])
out = {}


def timed(name, f):
    t = time.perf_counter()
    r = f()
    out[name] = time.perf_counter() - t
    return r


timed("im", lambda: pm4py.discover_process_tree_inductive(log))
net, im, fm = timed("imf_net", lambda: pm4py.discover_petri_net_inductive(log, noise_threshold=0.2))
timed("tbr_fitness", lambda: pm4py.fitness_token_based_replay(log, net, im, fm))
timed("tbr_precision", lambda: pm4py.precision_token_based_replay(log, net, im, fm))
if "--no-alignments" not in sys.argv:
    timed("alignment_fitness", lambda: pm4py.fitness_alignments(log, net, im, fm))
print(json.dumps(out, indent=1))
