"""Issue 14's read-back check: models Spur writes, read by pm4py, score as Spur scores them.

Run: .tools/bench-venv/bin/python bench/pm4py_readback.py SPUR OUT_DIR LOG... (or bench/pm4py_readback.sh)

For each log: `spur discover LOG --noise 0.2` writes MODEL.pnml and MODEL.bpmn (IMf: a model
the log does not fit perfectly, so the figures say something); pm4py reads them
(`pm4py.read_pnml`, `pm4py.read_bpmn` + `pm4py.convert_to_petri_net`) and computes its
token-based replay fitness; `spur conformance LOG MODEL --method tbr --json` computes Spur's on the
same file. Prints a Markdown table and exits 1 when a figure differs by more than 1e-9.
"""
import json
import os
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("TQDM_DISABLE", "1")
import pm4py  # noqa: E402

KEYS = ["log_fitness", "average_trace_fitness", "percentage_of_fitting_traces"]


def spur_json(spur, *args):
    r = subprocess.run([spur, *args], capture_output=True, text=True, check=True)
    return json.loads(r.stdout) if r.stdout.strip() else None


def main():
    spur, out_dir, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    rows, bad = [], 0
    for path in logs:
        name = os.path.basename(path)
        log = pm4py.read_xes(path)
        for fmt in ["pnml", "bpmn"]:
            model = os.path.join(out_dir, f"{name}.imf.{fmt}")
            subprocess.run([spur, "discover", path, "--noise", "0.2", "-o", model],
                           capture_output=True, check=True)
            if fmt == "pnml":
                net, im, fm = pm4py.read_pnml(model)
            else:
                net, im, fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(model))
            t = time.perf_counter()
            theirs = pm4py.fitness_token_based_replay(log, net, im, fm)
            secs = time.perf_counter() - t
            ours = spur_json(spur, "conformance", path, model, "--method", "tbr", "--json")["tbr"]
            diff = max(abs(ours[k] - theirs[k]) for k in KEYS)
            ok = diff <= 1e-9
            bad += not ok
            rows.append((name, fmt, len(net.places), len(net.transitions), ours, theirs, diff, ok, secs))
            print(f"{name} {fmt}: spur {ours['log_fitness']:.12f} pm4py {theirs['log_fitness']:.12f} "
                  f"max diff {diff:.1e} ({secs:.1f} s in pm4py)", file=sys.stderr)
    print("| log | model | net as pm4py reads it (places / transitions) | log fitness (Spur) | log fitness (pm4py) "
          "| fitting traces % (Spur / pm4py) | max difference | equal (1e-9) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, fmt, p, t, ours, theirs, diff, ok, _ in rows:
        print(f"| {name} | IMf 0.2 .{fmt} | {p} / {t} | {ours['log_fitness']:.12f} | "
              f"{theirs['log_fitness']:.12f} | {ours['percentage_of_fitting_traces']:.4f} / "
              f"{theirs['percentage_of_fitting_traces']:.4f} | {diff:.1e} | {'yes' if ok else '**no**'} |")
    sys.exit(1 if bad else 0)


main()
