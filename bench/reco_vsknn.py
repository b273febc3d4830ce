#!/usr/bin/env python3
"""Reference V-SKNN for docs/BENCHMARKS.md: a port of session-rec's VMContextKNN
(rn5l/session-rec, algorithms/knn/vsknn.py; Ludewig & Jannach 2018) with numpy/pandas only,
evaluated with the next-item protocol on the same time split Spur uses.

    python bench/reco_vsknn.py CLICKS.csv --session session_id --item item_id --time timestamp \
        --test-days 3 [--k 20] [--sample-size 500] [--neighbours 100] [--json]

Semantics kept from vsknn.py (defaults of its best published configurations): recent sampling
of `sample_size` sessions among those sharing an item with the current session; `div`
position weights (i / n, a repeated item keeps its last position); similarity = sum of the
shared items' weights / distinct items; the `k` most similar neighbours score their items by
similarity x `div` decay of the most recent shared click x (1 + idf x idf_weighting),
idf = ln(sessions / item events); remind=True (items of the session may be recommended).

Made deterministic where session-rec leaves it to set order: a session's recency is its end
time, ties by first appearance in the file (as Spur); equal similarities keep the more recent
session; in the ranking, items with equal score are ordered by training popularity, then by
first appearance, and items with score 0 are ranked after all others by popularity (session-rec
leaves them in pandas' sort order).

Split (session-rec's `split_data`): sessions whose last click falls in the last `test_days`
days are the test set; test clicks on items unseen in training are removed, then test sessions
with fewer than two clicks.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import pandas as pd


class VSKNN:
    def __init__(self, k=100, sample_size=500, idf_weighting=1.0):
        self.k = k
        self.sample_size = sample_size
        self.idf_weighting = idf_weighting

    # session-rec's `div` weighting and `div_score` decay.
    @staticmethod
    def div(i, length):
        return i / length

    @staticmethod
    def div_score(i):
        return 1 / i

    def fit(self, sessions, session_rank, item_events, n_sessions):
        """sessions: list of item lists (clicks in order); session_rank: recency index."""
        self.session_item_map = [set(s) for s in sessions]
        self.session_rank = session_rank
        self.item_session_map = {}
        for sid, items in enumerate(self.session_item_map):
            for item in items:
                self.item_session_map.setdefault(item, []).append(sid)
        # idf = log(number of sessions / events of the item), as train.groupby(item).size().
        self.idf = {i: math.log(n_sessions / c) for i, c in item_events.items()}

    def predict(self, session_items):
        relevant = set()
        for item in session_items:
            relevant.update(self.item_session_map.get(item, ()))
        # most_recent_sessions: newest first (ties impossible: ranks are distinct).
        ordered = sorted(relevant, key=lambda s: self.session_rank[s], reverse=True)
        sample = ordered[: self.sample_size] if len(ordered) > self.sample_size else ordered
        pos_map = {}
        length = len(session_items)
        for count, item in enumerate(session_items, start=1):
            pos_map[item] = self.div(count, length)
        items = set(session_items)
        neighbours = []
        for s in sample:
            n_items = self.session_item_map[s]
            sim = sum(pos_map[i] for i in items & n_items) / len(pos_map)
            if sim > 0:
                neighbours.append((s, sim))
        neighbours = sorted(neighbours, reverse=True, key=lambda x: x[1])[: self.k]
        scores = {}
        for s, sim in neighbours:
            n_items = self.session_item_map[s]
            step = 1
            for item in reversed(session_items):
                if item in n_items:
                    decay = self.div_score(step)
                    break
                step += 1
            for item in n_items:
                v = sim
                if self.idf_weighting:
                    v = v + v * self.idf[item] * self.idf_weighting
                scores[item] = scores.get(item, 0.0) + v * decay
        return scores


def load(path, session, item, timecol):
    sep = "\t" if path.endswith((".tsv", ".txt")) else ","
    df = pd.read_csv(path, sep=sep, dtype={session: str, item: str})
    df = df[[session, item, timecol]].rename(columns={session: "SessionId", item: "ItemId", timecol: "Time"})
    df["order"] = np.arange(len(df))
    df = df.sort_values(["SessionId", "Time", "order"], kind="stable")
    return df


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clicks")
    ap.add_argument("--session", default="session_id")
    ap.add_argument("--item", default="item_id")
    ap.add_argument("--time", default="timestamp")
    ap.add_argument("--test-days", type=float, default=1.0)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--neighbours", type=int, default=100)
    ap.add_argument("--sample-size", type=int, default=500)
    ap.add_argument("--idf-weighting", type=float, default=1.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    df = load(a.clicks, a.session, a.item, a.time)
    t = df["Time"].astype(float)
    if t.max() > 1e11:  # epoch milliseconds
        df["Time"] = t / 1000.0
    per = df.groupby("SessionId", sort=False).agg(end=("Time", "max"), first=("order", "min"))
    cut = per["end"].max() - a.test_days * 86400
    train_ids = per.index[per["end"] < cut]
    test_ids = per.index[per["end"] >= cut]
    train = df[df["SessionId"].isin(set(train_ids))]
    test = df[df["SessionId"].isin(set(test_ids))]
    test = test[test["ItemId"].isin(set(train["ItemId"]))]

    started = time.perf_counter()
    tp = per.loc[train_ids].sort_values(["end", "first"], kind="stable")
    rank = {sid: r for r, sid in enumerate(tp.index)}
    grouped = train.groupby("SessionId", sort=False)["ItemId"].apply(list)
    sids = list(grouped.index)
    sessions = list(grouped.values)
    session_rank = [rank[s] for s in sids]
    item_events = train.groupby("ItemId").size().to_dict()
    first_seen = {i: n for n, i in enumerate(dict.fromkeys(train.sort_values("order")["ItemId"]))}
    model = VSKNN(a.neighbours, a.sample_size, a.idf_weighting)
    model.fit(sessions, session_rank, item_events, len(sessions))
    fit_s = time.perf_counter() - started
    popular = sorted(item_events, key=lambda i: (-item_events[i], first_seen[i]))[: a.k]

    hits = 0
    rr = 0.0
    positions = 0
    started = time.perf_counter()
    tests = test.groupby("SessionId", sort=False)["ItemId"].apply(list)
    n_test = 0
    for clicks in tests.values:
        if len(clicks) < 2:
            continue
        n_test += 1
        for i in range(1, len(clicks)):
            scores = model.predict(clicks[:i])
            ranked = sorted(scores, key=lambda x: (-scores[x], -item_events[x], first_seen[x]))[: a.k]
            if len(ranked) < a.k:
                have = set(ranked)
                ranked += [p for p in popular if p not in have][: a.k - len(ranked)]
            positions += 1
            target = clicks[i]
            if target in ranked:
                r = ranked.index(target) + 1
                hits += 1
                rr += 1.0 / r
    predict_s = time.perf_counter() - started
    out = {
        "train_sessions": len(sessions),
        "test_sessions": n_test,
        "test_positions": positions,
        "k": a.k,
        "vsknn": {"hr": hits / max(positions, 1), "mrr": rr / max(positions, 1)},
        "fit_seconds": fit_s,
        "predict_us_per_position": 1e6 * predict_s / max(positions, 1),
        "params": {"k": a.neighbours, "sample_size": a.sample_size, "weighting": "div",
                   "weighting_score": "div", "idf_weighting": a.idf_weighting},
    }
    if a.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{out['train_sessions']} training sessions, {n_test} test sessions, {positions} positions")
        print(f"V-SKNN (reference) HR@{a.k} {out['vsknn']['hr']:.4f} MRR@{a.k} {out['vsknn']['mrr']:.4f}"
              f"  fit {fit_s:.2f} s, {out['predict_us_per_position']:.0f} us per position")


if __name__ == "__main__":
    sys.exit(main())
