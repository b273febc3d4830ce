"""Turn the JSON files of bench/run.sh (out/bench/NAME.rROUND.json) into the Markdown tables of
docs/BENCHMARKS.md: seconds per step and the speed-up of Spur over each peer (peer time / Spur
time, so 30x means Spur is 30 times faster), the wasm32/native ratio, peak RSS.

usage: python3 bench/report.py OUT_DIR      (standard library only)
"""
import glob, json, os, statistics, sys

GOALS = {  # issue 3: minimum speed-up of Spur over the peer
    ("import", "rust4pm-xes", "spur-xes"): 2, ("import", "pm4py-xes", "spur-xes"): 50,
    ("import", "pm4py-csv", "spur-csv"): 20,
    ("dfg", "pm4py-xes", "spur-xes"): 25, ("variants", "pm4py-xes", "spur-xes"): 25,
    ("case_durations", "pm4py-xes", "spur-xes"): 25,
}
STEPS = ["import", "dfg", "performance_dfg", "variants", "case_durations"]

def load_one(path):
    text = open(path).read()
    start = text.find("{")  # pm4py may print a banner first
    try:
        return json.JSONDecoder().raw_decode(text[start:])[0] if start >= 0 else None
    except ValueError:
        return None

def load(out, name):
    """All rounds of one run (NAME.r1.json, NAME.r2.json, …, or NAME.json), merged: each step's
    seconds and the peak RSS are the median over the rounds."""
    paths = sorted(glob.glob(os.path.join(out, name + ".r*.json"))) or \
        [p for p in [os.path.join(out, name + ".json")] if os.path.exists(p)]
    runs = [r for r in map(load_one, paths) if r]
    if not runs:
        return None
    merged = dict(runs[0])
    steps = {k for r in runs for k in r.get("seconds", {})}
    merged["seconds"] = {k: statistics.median([r["seconds"][k] for r in runs if k in r.get("seconds", {})])
                         for k in steps}
    rss = [r["peak_rss_mb"] for r in runs if r.get("peak_rss_mb") is not None]
    merged["peak_rss_mb"] = statistics.median(rss) if rss else None
    merged["rounds"] = len(runs)
    return merged

def secs(r, step):
    return None if r is None else r.get("seconds", {}).get(step)

def fmt_s(x):
    return "–" if x is None else (f"{x:.4f}" if x < 1 else f"{x:.2f}")

def ratio(peer, spur, goal=None):
    if peer is None or spur is None or spur <= 0:
        return "–"
    r = peer / spur
    s = f"{r:.1f}×" if r < 100 else f"{r:.0f}×"
    if goal is not None:
        s += f" (goal ≥ {goal}×: {'met' if r >= goal else 'MISSED'})"
    return s

def table(out, spur_name, peers):
    spur = load(out, spur_name)
    rows = [load(out, p) for p in peers]
    head = ["step", spur_name + " s"] + [p + " s" for p in peers] + [f"vs {p}" for p in peers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for step in STEPS:
        cells = [step, fmt_s(secs(spur, step))] + [fmt_s(secs(r, step)) for r in rows]
        cells += [ratio(secs(r, step), secs(spur, step), GOALS.get((step, p, spur_name)))
                  for p, r in zip(peers, rows)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "out/bench"
    print("### XES.gz (BPIC2012)\n")
    print(table(out, "spur-xes", ["rust4pm-xes", "pm4py-xes"]))
    print("\n### CSV (BPIC2012 written by `spur convert`)\n")
    print(table(out, "spur-csv", ["pm4py-csv"]))
    print("\n### Parquet (BPIC2012 written by `spur convert`; pm4py reads it with pandas + pyarrow)\n")
    print(table(out, "spur-parquet", ["pm4py-parquet"]))
    print("\n### wasm32 in Node vs native (ratio = wasm time / native time; goal ≤ 2×)\n")
    print("| step | native XES s | wasm XES s | wasm/native | native CSV s | wasm CSV s | wasm/native |")
    print("|---|---|---|---|---|---|---|")
    nx, wx, nc, wc = (load(out, n) for n in ("spur-xes", "wasm-xes", "spur-csv", "wasm-csv"))
    def wr(w, n, step):
        a, b = secs(w, step), secs(n, step)
        return "–" if a is None or not b else f"{a / b:.2f}×"
    for step in STEPS:
        print(f"| {step} | {fmt_s(secs(nx, step))} | {fmt_s(secs(wx, step))} | {wr(wx, nx, step)} "
              f"| {fmt_s(secs(nc, step))} | {fmt_s(secs(wc, step))} | {wr(wc, nc, step)} |")
    def total(r):
        return None if r is None else sum(v for k, v in r.get("seconds", {}).items() if k in STEPS)
    if nx and wx:
        print(f"| all steps | {fmt_s(total(nx))} | {fmt_s(total(wx))} | {total(wx) / total(nx):.2f}× "
              f"| {fmt_s(total(nc))} | {fmt_s(total(wc))} | "
              f"{(total(wc) / total(nc)) if nc and wc else float('nan'):.2f}× |")
    print("\n### Peak memory (RSS high-water mark of the whole process)\n")
    print("| run | events | peak RSS MB | rounds | version |")
    print("|---|---|---|---|---|")
    for name in ("spur-xes", "spur-csv", "spur-parquet", "wasm-xes", "wasm-csv", "rust4pm-xes",
                 "pm4py-xes", "pm4py-csv", "pm4py-parquet"):
        r = load(out, name)
        if r:
            rss = r.get("peak_rss_mb")
            extra = r.get("xes_reader", "")
            print(f"| {name} | {r.get('events', '–')} | {rss if rss is None else round(rss, 1)} "
                  f"| {r.get('rounds')} | {r.get('version', '')}{' ' + extra if extra else ''} |")

main()
