"""What pm4py's filters keep on the shared real logs: the reference for core/tests/filter_pm4py.rs.

Applies pm4py's pandas filters with fixed parameters to running-example.xes, receipt.xes,
bpic2012.xes.gz (and running-example.csv, whose `Costs` column is numeric, for the numeric
ranges) and writes the kept case and event counts, next to the equivalent Spur filter text, to
core/test_data/filters/pm4py-filters.json. Counts only: the file stays small and is committed.

Event order inside a case is file order stably sorted by timestamp, as in the golden files.

Run: .tools/bench-venv/bin/python bench/pm4py-filters.py [SHARED_DATA_DIR]
"""

import json
import os
import sys
import warnings

import pandas as pd
import pm4py
from pm4py.algo.filtering.pandas.attributes import attributes_filter
from pm4py.algo.filtering.pandas.ltl import ltl_checker

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "core", "test_data", "filters", "pm4py-filters.json")
CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def ordered(df):
    """Cases in order of first appearance, events stably sorted by timestamp within a case."""
    df = df.copy()
    df["@@case_order"] = df.groupby(CASE, sort=False).ngroup()
    df = df.sort_values(["@@case_order", TS], kind="stable").drop(columns="@@case_order")
    return df.reset_index(drop=True)


def load(name):
    path = os.path.join(DATA, "eventlogs", name)
    if name.endswith(".csv"):
        df = pd.read_csv(path)
        df[TS] = pd.to_datetime(df[TS], utc=True, format="ISO8601")
        df[CASE] = df[CASE].astype(str)
    else:
        df = pm4py.read_xes(path, show_progress_bar=False)
    return ordered(df)


def ef_gap(df, a, b, gap_s):
    params = {
        ltl_checker.Parameters.POSITIVE: True,
        ltl_checker.Parameters.TIMESTAMP_DIFF_BOUNDARIES: [(0, gap_s)],
    }
    return ltl_checker.eventually_follows(df, [a, b], parameters=params)


def numeric(df, attr, lo, hi, level):
    params = {attributes_filter.Parameters.ATTRIBUTE_KEY: attr}
    if level == "events":
        return attributes_filter.apply_numeric_events(df, lo, hi, parameters=params)
    return attributes_filter.apply_numeric(df, lo, hi, parameters=params)


DAY = 86400


def time(mode):
    return lambda a, b: (lambda df: pm4py.filter_time_range(df, a, b, mode=mode))


def checks_for(log):
    """(spur filter text, pm4py call as text, function df -> df)."""
    t = []
    if log == "running-example.xes":
        a, b = "2010-12-30 00:00:00", "2011-01-16 00:00:00"
        span = "2010-12-30..2011-01-16"
        t += [
            (f"time:{span}:contained", "filter_time_range traces_contained", time("traces_contained")(a, b)),
            (f"time:{span}:intersecting", "filter_time_range traces_intersecting", time("traces_intersecting")(a, b)),
            (f"time:{span}:started_in", "filter_time_range traces_starting_in", time("traces_starting_in")(a, b)),
            (f"time:{span}:completed_in", "filter_time_range traces_completing_in", time("traces_completing_in")(a, b)),
            (f"time:{span}:events", "filter_time_range events", time("events")(a, b)),
            ("event-attr:org:resource=Pete,Mike", "filter_event_attribute_values level=case",
             lambda df: pm4py.filter_event_attribute_values(df, "org:resource", ["Pete", "Mike"], level="case")),
            ("event-attr:org:resource!=Pete", "filter_event_attribute_values level=case retain=False",
             lambda df: pm4py.filter_event_attribute_values(df, "org:resource", ["Pete"], level="case", retain=False)),
            ("events:org:resource=Pete,Mike", "filter_event_attribute_values level=event",
             lambda df: pm4py.filter_event_attribute_values(df, "org:resource", ["Pete", "Mike"], level="event")),
            ("events:org:resource!=Pete,Mike", "filter_event_attribute_values level=event retain=False",
             lambda df: pm4py.filter_event_attribute_values(df, "org:resource", ["Pete", "Mike"], level="event", retain=False)),
            ("case-attr:creator=Fluxicon Nitro", "filter_trace_attribute_values",
             lambda df: pm4py.filter_trace_attribute_values(df, "case:creator", ["Fluxicon Nitro"])),
            ("variants:top=1", "filter_variants_top_k 1", lambda df: pm4py.filter_variants_top_k(df, 1)),
            ("variants:top=3", "filter_variants_top_k 3 (ties)", lambda df: pm4py.filter_variants_top_k(df, 3)),
            ("df:check ticket->decide", "filter_directly_follows_relation",
             lambda df: pm4py.filter_directly_follows_relation(df, [("check ticket", "decide")])),
            ("not-df:examine casually->check ticket", "filter_directly_follows_relation retain=False",
             lambda df: pm4py.filter_directly_follows_relation(df, [("examine casually", "check ticket")], retain=False)),
            ("ef:register request->pay compensation", "filter_eventually_follows_relation",
             lambda df: pm4py.filter_eventually_follows_relation(df, [("register request", "pay compensation")])),
            ("ef:decide->decide", "filter_eventually_follows_relation (same activity)",
             lambda df: pm4py.filter_eventually_follows_relation(df, [("decide", "decide")])),
            ("ef:register request->decide<=7d", "ltl eventually_follows timestamp_diff_boundaries (0, 7d)",
             lambda df: ef_gap(df, "register request", "decide", 7 * DAY)),
            ("start:register request", "filter_start_activities",
             lambda df: pm4py.filter_start_activities(df, ["register request"])),
            ("end:pay compensation", "filter_end_activities",
             lambda df: pm4py.filter_end_activities(df, ["pay compensation"])),
            ("size:5..8", "filter_case_size 5 8", lambda df: pm4py.filter_case_size(df, 5, 8)),
            ("duration:7d..14d", "filter_case_performance 7d 14d",
             lambda df: pm4py.filter_case_performance(df, 7 * DAY, 14 * DAY)),
            ("between:check ticket->decide", "filter_between",
             lambda df: pm4py.filter_between(df, "check ticket", "decide")),
            ("between:decide->decide", "filter_between (same activity)",
             lambda df: pm4py.filter_between(df, "decide", "decide")),
        ]
    elif log == "running-example.csv":
        t += [
            ("event-attr:Costs=100..300", "attributes_filter.apply_numeric 100 300",
             lambda df: numeric(df, "Costs", 100, 300, "cases")),
            ("events:Costs=..100", "attributes_filter.apply_numeric_events 0 100",
             lambda df: numeric(df, "Costs", float("-inf"), 100, "events")),
        ]
    elif log == "receipt.xes":
        a, b = "2011-01-01 00:00:00", "2011-04-01 00:00:00"
        span = "2011-01-01..2011-04-01"
        t += [
            (f"time:{span}:contained", "filter_time_range traces_contained", time("traces_contained")(a, b)),
            (f"time:{span}:intersecting", "filter_time_range traces_intersecting", time("traces_intersecting")(a, b)),
            (f"time:{span}:started_in", "filter_time_range traces_starting_in", time("traces_starting_in")(a, b)),
            (f"time:{span}:events", "filter_time_range events", time("events")(a, b)),
            ("case-attr:channel=Desk,Post", "filter_trace_attribute_values",
             lambda df: pm4py.filter_trace_attribute_values(df, "case:channel", ["Desk", "Post"])),
            ("case-attr:channel!=Internet", "filter_trace_attribute_values retain=False",
             lambda df: pm4py.filter_trace_attribute_values(df, "case:channel", ["Internet"], retain=False)),
            ("event-attr:org:group=Group 2", "filter_event_attribute_values level=case",
             lambda df: pm4py.filter_event_attribute_values(df, "org:group", ["Group 2"], level="case")),
            ("events:org:resource=Resource01", "filter_event_attribute_values level=event",
             lambda df: pm4py.filter_event_attribute_values(df, "org:resource", ["Resource01"], level="event")),
            ("variants:top=3", "filter_variants_top_k 3", lambda df: pm4py.filter_variants_top_k(df, 3)),
            ("variants:top=20", "filter_variants_top_k 20 (ties)", lambda df: pm4py.filter_variants_top_k(df, 20)),
            ("df:Confirmation of receipt->T06 Determine necessity of stop advice", "filter_directly_follows_relation",
             lambda df: pm4py.filter_directly_follows_relation(df, [("Confirmation of receipt", "T06 Determine necessity of stop advice")])),
            ("ef:T02 Check confirmation of receipt->T10 Determine necessity to stop indication",
             "filter_eventually_follows_relation",
             lambda df: pm4py.filter_eventually_follows_relation(
                 df, [("T02 Check confirmation of receipt", "T10 Determine necessity to stop indication")])),
            ("ef:Confirmation of receipt->T10 Determine necessity to stop indication<=1h",
             "ltl eventually_follows timestamp_diff_boundaries (0, 1h)",
             lambda df: ef_gap(df, "Confirmation of receipt", "T10 Determine necessity to stop indication", 3600)),
            ("start:Confirmation of receipt", "filter_start_activities",
             lambda df: pm4py.filter_start_activities(df, ["Confirmation of receipt"])),
            ("end:T05 Print and send confirmation of receipt,Confirmation of receipt", "filter_end_activities",
             lambda df: pm4py.filter_end_activities(df, ["T05 Print and send confirmation of receipt", "Confirmation of receipt"])),
            ("size:2..6", "filter_case_size 2 6", lambda df: pm4py.filter_case_size(df, 2, 6)),
            ("duration:1h..7d", "filter_case_performance 1h 7d",
             lambda df: pm4py.filter_case_performance(df, 3600, 7 * DAY)),
            ("between:T02 Check confirmation of receipt->T10 Determine necessity to stop indication", "filter_between",
             lambda df: pm4py.filter_between(df, "T02 Check confirmation of receipt", "T10 Determine necessity to stop indication")),
        ]
    elif log == "bpic2012.xes.gz":
        a, b = "2011-11-01 00:00:00", "2012-01-01 00:00:00"
        span = "2011-11-01..2012-01-01"
        t += [
            (f"time:{span}:contained", "filter_time_range traces_contained", time("traces_contained")(a, b)),
            (f"time:{span}:intersecting", "filter_time_range traces_intersecting", time("traces_intersecting")(a, b)),
            (f"time:{span}:started_in", "filter_time_range traces_starting_in", time("traces_starting_in")(a, b)),
            (f"time:{span}:events", "filter_time_range events", time("events")(a, b)),
            ("case-attr:AMOUNT_REQ=5000,10000", "filter_trace_attribute_values",
             lambda df: pm4py.filter_trace_attribute_values(df, "case:AMOUNT_REQ", ["5000", "10000"])),
            ("event-attr:org:resource=10609", "filter_event_attribute_values level=case",
             lambda df: pm4py.filter_event_attribute_values(df, "org:resource", ["10609"], level="case")),
            ("events:lifecycle:transition=COMPLETE", "filter_event_attribute_values level=event",
             lambda df: pm4py.filter_event_attribute_values(df, "lifecycle:transition", ["COMPLETE"], level="event")),
            ("variants:top=5", "filter_variants_top_k 5", lambda df: pm4py.filter_variants_top_k(df, 5)),
            ("variants:top=100", "filter_variants_top_k 100 (ties)", lambda df: pm4py.filter_variants_top_k(df, 100)),
            ("df:O_CREATED->O_SENT", "filter_directly_follows_relation",
             lambda df: pm4py.filter_directly_follows_relation(df, [("O_CREATED", "O_SENT")])),
            ("not-df:W_Completeren aanvraag->W_Completeren aanvraag", "filter_directly_follows_relation retain=False",
             lambda df: pm4py.filter_directly_follows_relation(df, [("W_Completeren aanvraag", "W_Completeren aanvraag")], retain=False)),
            ("ef:A_SUBMITTED->A_DECLINED", "filter_eventually_follows_relation",
             lambda df: pm4py.filter_eventually_follows_relation(df, [("A_SUBMITTED", "A_DECLINED")])),
            ("ef:O_SENT->O_ACCEPTED<=14d", "ltl eventually_follows timestamp_diff_boundaries (0, 14d)",
             lambda df: ef_gap(df, "O_SENT", "O_ACCEPTED", 14 * DAY)),
            ("start:A_SUBMITTED", "filter_start_activities", lambda df: pm4py.filter_start_activities(df, ["A_SUBMITTED"])),
            ("end:A_DECLINED,A_CANCELLED", "filter_end_activities",
             lambda df: pm4py.filter_end_activities(df, ["A_DECLINED", "A_CANCELLED"])),
            ("size:10..40", "filter_case_size 10 40", lambda df: pm4py.filter_case_size(df, 10, 40)),
            ("duration:1d..30d", "filter_case_performance 1d 30d",
             lambda df: pm4py.filter_case_performance(df, DAY, 30 * DAY)),
            ("between:O_SENT->O_ACCEPTED", "filter_between",
             lambda df: pm4py.filter_between(df, "O_SENT", "O_ACCEPTED")),
            ("between:W_Nabellen offertes->W_Nabellen offertes", "filter_between (same activity)",
             lambda df: pm4py.filter_between(df, "W_Nabellen offertes", "W_Nabellen offertes")),
        ]
    return t


def main():
    entries = []
    for log in ["running-example.xes", "running-example.csv", "receipt.xes", "bpic2012.xes.gz"]:
        df = load(log)
        for spur, call, fn in checks_for(log):
            out = fn(df)
            entry = {
                "log": log,
                "filter": spur,
                "pm4py": call,
                "cases": int(out[CASE].nunique()),
                "events": int(len(out)),
            }
            if spur.startswith("between:"):
                # pm4py makes every sub-case a case (`id##@@n`); Spur keeps the original case.
                entry["source_cases"] = int(out[CASE].astype(str).str.split("##@@").str[0].nunique())
            entries.append(entry)
            print(f"{log:22} {spur[:60]:60} {entry['cases']:>6} {entry['events']:>7}", file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"pm4py_version": pm4py.__version__, "generator": "bench/pm4py-filters.py",
                   "entries": entries}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
