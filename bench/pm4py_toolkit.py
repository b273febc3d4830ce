"""pm4py's time for the toolkit operations that have a pm4py equivalent, on one log.

Mirrors `spur bench-toolkit` (same activities: the most frequent activity X, the most frequent
directly-follows pair of two different activities, the most frequent start activity) so
bench/toolkit.sh can print ratios. Prints JSON {operation: milliseconds} (median of N runs).
Run: .tools/bench-venv/bin/python bench/pm4py_toolkit.py LOG [REPEATS]
"""

import json
import sys
import time
import warnings

import pandas as pd
import pm4py

warnings.filterwarnings("ignore")
CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def median_ms(f, repeats):
    xs = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        xs.append((time.perf_counter() - t) * 1e3)
    xs.sort()
    return xs[len(xs) // 2]


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    df = pm4py.read_xes(path, show_progress_bar=False) if ".xes" in path else pd.read_csv(path)
    x = df[ACT].value_counts().index[0]
    dfg, starts, _ = pm4py.discover_dfg(df)
    a, b = max(((k, v) for k, v in dfg.items() if k[0] != k[1]), key=lambda kv: kv[1])[0]
    start = max(starts.items(), key=lambda kv: kv[1])[0]
    first, last = df[TS].min(), df[TS].max()
    mid = first + (last - first) / 2
    # pm4py's handover crashes on events without a resource (NaN): drop them beforehand.
    with_resource = df[df["org:resource"].notna()] if "org:resource" in df else df
    has = lambda: pm4py.filter_event_attribute_values(df, ACT, [x], level="case")
    ops = {
        f"filter has:{x}": has,
        f"filter not-has:{x}": lambda: pm4py.filter_event_attribute_values(df, ACT, [x], level="case", retain=False),
        f"filter df:{a}->{b}": lambda: pm4py.filter_directly_follows_relation(df, [(a, b)]),
        f"filter ef:{a}->{b}": lambda: pm4py.filter_eventually_follows_relation(df, [(a, b)]),
        f"filter start:{start}": lambda: pm4py.filter_start_activities(df, [start]),
        "filter variants:top=10": lambda: pm4py.filter_variants_top_k(df, 10),
        "filter size:5..30": lambda: pm4py.filter_case_size(df, 5, 30),
        "filter duration:1h..10d": lambda: pm4py.filter_case_performance(df, 3600, 10 * 86400),
        f"filter between:{a}->{b}": lambda: pm4py.filter_between(df, a, b),
        "filter time:contained": lambda: pm4py.filter_time_range(df, first, mid, mode="traces_contained"),
        "filter time:intersecting": lambda: pm4py.filter_time_range(df, first, mid, mode="traces_intersecting"),
        "filter time:events": lambda: pm4py.filter_time_range(df, first, mid, mode="events"),
        "roles (pm4py: handover of work only)": lambda: pm4py.discover_handover_of_work_network(with_resource),
        # compare: pm4py has no group comparison; the closest step is the two filtered DFGs.
        f"compare has:{x} vs rest (pm4py: two filtered DFGs)": lambda: (
            pm4py.discover_dfg(has()),
            pm4py.discover_dfg(pm4py.filter_event_attribute_values(df, ACT, [x], level="case", retain=False)),
        ),
    }
    out = {k: median_ms(f, repeats) for k, f in ops.items()}
    print(json.dumps({"tool": "pm4py", "version": pm4py.__version__, "log": path, "milliseconds": out}, indent=1))


if __name__ == "__main__":
    main()
