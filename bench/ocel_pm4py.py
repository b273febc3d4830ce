"""pm4py peer for Spur's OCEL work (issue 17). Two jobs:

  python bench/ocel_pm4py.py ocdfg FILE OUT.json
      pm4py's discover_ocdfg on FILE, reduced to counts (per object type: activities,
      start/end activities with events/unique_objects/total_objects, edges with
      event_couples/unique_objects/total_objects) -> the reference core/tests read
      (core/test_data/ocel/ocdfg_pm4py.json).
  python bench/ocel_pm4py.py import FILE [REPEATS]
      time pm4py's OCEL 2.0 importer on FILE (json/xml/sqlite by extension) and its peak RSS;
      prints one JSON line (median seconds, peak RSS MiB, events, objects).

Run it in the bench venv (bench/setup-peers.sh). pm4py is a peer to measure against, never a
dependency of Spur.
"""
import json
import resource
import statistics
import sys
import time

import pm4py


def read(path):
    if path.endswith(".sqlite"):
        return pm4py.read_ocel2_sqlite(path)
    if path.endswith(".xmlocel"):
        return pm4py.read_ocel2_xml(path)
    return pm4py.read_ocel2_json(path)


def ocdfg(path, out):
    ocel = read(path)
    g = pm4py.discover_ocdfg(ocel)
    res = {}
    for ot in sorted(g["object_types"]):
        def acts(key):
            part = g[key]
            names = sorted(part["events"].get(ot, {}).keys())
            return [
                {
                    "activity": a,
                    "events": len(part["events"][ot][a]),
                    "unique_objects": len(part["unique_objects"][ot][a]),
                    "total_objects": len(part["total_objects"][ot][a]),
                }
                for a in names
            ]
        edges = g["edges"]
        pairs = sorted(edges["event_couples"].get(ot, {}).keys())
        res[ot] = {
            "activities": acts("activities_ot"),
            "start_activities": acts("start_activities"),
            "end_activities": acts("end_activities"),
            "edges": [
                {
                    "from": a,
                    "to": b,
                    "event_couples": len(edges["event_couples"][ot][(a, b)]),
                    "unique_objects": len(edges["unique_objects"][ot][(a, b)]),
                    "total_objects": len(edges["total_objects"][ot][(a, b)]),
                }
                for (a, b) in pairs
            ],
        }
    with open(out, "w") as f:
        json.dump({"pm4py": pm4py.__version__, "file": path.split("/")[-1], "object_types": res}, f, indent=1)


def bench(path, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        ocel = read(path)
        times.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "tool": "pm4py " + pm4py.__version__,
        "file": path.split("/")[-1],
        "import_seconds_median": statistics.median(times),
        "runs": times,
        "peak_rss_mib": round(rss, 1),
        "events": len(ocel.events),
        "objects": len(ocel.objects),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "ocdfg":
        ocdfg(sys.argv[2], sys.argv[3])
    else:
        bench(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
