//! Cut detection on a [`Dfg`] and log projection, as pm4py 2.7's `algo/discovery/inductive/cuts`
//! (tried in this order: exclusive choice, strict sequence, concurrency, loop).
//!
//! A cut is a list of groups of local activity indices. Where pm4py's result depends on the
//! order of groups, the order here is pm4py's: × groups by their sorted names, → groups by
//! reachability, ∧ groups by size (stable, from name order), loop = [do, redo].

use super::sublog::{Dfg, SubLog, SubLogBuilder};
use super::tree::Operator;

/// A cut found on a DFG: the operator and its groups (local indices of the DFG).
pub(crate) struct Cut {
    pub op: Operator,
    pub groups: Vec<Vec<usize>>,
}

/// pm4py's `CutFactory.find_cut` for IM and IMf on a UVCL.
pub(crate) fn find(dfg: &Dfg) -> Option<Cut> {
    if let Some(g) = xor(dfg) {
        return Some(Cut {
            op: Operator::Xor,
            groups: g,
        });
    }
    if let Some(g) = strict_sequence(dfg) {
        return Some(Cut {
            op: Operator::Sequence,
            groups: g,
        });
    }
    if let Some(g) = concurrency(dfg) {
        return Some(Cut {
            op: Operator::Parallel,
            groups: g,
        });
    }
    loop_cut(dfg).map(|g| Cut {
        op: Operator::Loop,
        groups: g,
    })
}

/// Connected components of `vertices` under the symmetric relation `linked`, each sorted,
/// ordered by smallest member.
fn components(
    n: usize,
    vertices: &[usize],
    linked: impl Fn(usize, usize) -> bool,
) -> Vec<Vec<usize>> {
    let mut comp = vec![usize::MAX; n];
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &v in vertices {
        if comp[v] != usize::MAX {
            continue;
        }
        let id = out.len();
        comp[v] = id;
        let mut group = vec![v];
        let mut stack = vec![v];
        while let Some(x) = stack.pop() {
            for &y in vertices {
                if comp[y] == usize::MAX && y != x && linked(x, y) {
                    comp[y] = id;
                    group.push(y);
                    stack.push(y);
                }
            }
        }
        group.sort_unstable();
        out.push(group);
    }
    out
}

/// Exclusive choice: connected components of the undirected DFG, sorted by their sorted names.
fn xor(dfg: &Dfg) -> Option<Vec<Vec<usize>>> {
    let vertices = dfg.vertices();
    let mut groups = components(dfg.len(), &vertices, |a, b| {
        dfg.edge(a, b) || dfg.edge(b, a)
    });
    if groups.len() <= 1 {
        return None;
    }
    groups.sort();
    Some(groups)
}

/// pm4py's `SequenceCut.holds`: merge activities that reach each other or neither reaches the
/// other, then order the groups by predecessors + (n − successors).
fn sequence(dfg: &Dfg) -> Option<Vec<Vec<usize>>> {
    let vertices = dfg.vertices();
    if vertices.is_empty() {
        return None;
    }
    let n = dfg.len();
    let reach = dfg.reachability();
    let mut groups = components(n, &vertices, |a, b| {
        reach.reaches(a, b) == reach.reaches(b, a)
    });
    // Predecessors of a group's first member, and n − its successors.
    let pred = |a: usize| vertices.iter().filter(|&&v| reach.reaches(v, a)).count();
    let succ = |a: usize| vertices.iter().filter(|&&v| reach.reaches(a, v)).count();
    let alphabet = vertices.len();
    groups.sort_by_cached_key(|g| pred(g[0]) + (alphabet - succ(g[0])));
    (groups.len() > 1).then_some(groups)
}

/// pm4py's `StrictSequenceCut.holds` (Leemans' thesis p. 233): merges skippable groups.
fn strict_sequence(dfg: &Dfg) -> Option<Vec<Vec<usize>>> {
    let mut c = sequence(dfg)?;
    let n = dfg.len();
    let big = i64::MAX;
    let mut cmap = vec![0usize; n];
    for (i, g) in c.iter().enumerate() {
        for &a in g {
            cmap[a] = i;
        }
    }
    let mut mf: Vec<i64> = c
        .iter()
        .map(|g| {
            if g.iter().any(|&a| dfg.start[a] > 0) {
                -big
            } else {
                big
            }
        })
        .collect();
    let mut mt: Vec<i64> = c
        .iter()
        .map(|g| {
            if g.iter().any(|&a| dfg.end[a] > 0) {
                big
            } else {
                -big
            }
        })
        .collect();
    for a in 0..n {
        for b in 0..n {
            if dfg.edge(a, b) {
                mf[cmap[b]] = mf[cmap[b]].min(cmap[a] as i64);
                mt[cmap[a]] = mt[cmap[a]].max(cmap[b] as i64);
            }
        }
    }
    for p in 0..c.len() {
        if skippable(p, dfg, &c) {
            let mut q = p as i64 - 1;
            while q >= 0 && mt[q as usize] <= p as i64 {
                let taken = std::mem::take(&mut c[q as usize]);
                c[p].extend(taken);
                q -= 1;
            }
            let mut q = p + 1;
            while q < mf.len() && mf[q] >= p as i64 {
                let taken = std::mem::take(&mut c[q]);
                c[p].extend(taken);
                q += 1;
            }
        }
    }
    c.retain(|g| !g.is_empty());
    for g in &mut c {
        g.sort_unstable();
    }
    Some(c)
}

/// pm4py's `StrictSequenceCut._skippable`.
fn skippable(p: usize, dfg: &Dfg, groups: &[Vec<usize>]) -> bool {
    for i in 0..p {
        for j in p + 1..groups.len() {
            for &a in &groups[i] {
                for &b in &groups[j] {
                    if dfg.edge(a, b) {
                        return true;
                    }
                }
            }
        }
    }
    if groups[p + 1..].iter().flatten().any(|&a| dfg.start[a] > 0) {
        return true;
    }
    groups[..p].iter().flatten().any(|&a| dfg.end[a] > 0)
}

/// pm4py's `ConcurrencyCut.holds`: merge activities not connected both ways, sort the groups
/// by size, then merge each group lacking a start or an end activity into a neighbour.
fn concurrency(dfg: &Dfg) -> Option<Vec<Vec<usize>>> {
    let vertices = dfg.vertices();
    if vertices.is_empty() {
        return None;
    }
    // pm4py merges pairwise from the front of the name-sorted list, so groups stay ordered by
    // their smallest member: exactly `components`' order.
    let mut groups = components(dfg.len(), &vertices, |a, b| {
        !(dfg.edge(a, b) && dfg.edge(b, a))
    });
    groups.sort_by_key(Vec::len);
    let mut i = 0;
    while i < groups.len() && groups.len() > 1 {
        let g = &groups[i];
        if g.iter().any(|&a| dfg.start[a] > 0) && g.iter().any(|&a| dfg.end[a] > 0) {
            i += 1;
            continue;
        }
        let group = groups.remove(i);
        let target = if i == 0 { 0 } else { i - 1 };
        groups[target].extend(group);
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    (groups.len() > 1).then_some(groups)
}

/// pm4py 2.7's `LoopCut.holds`: the do group (start ∪ end activities and what must join them)
/// and one redo group of everything else.
fn loop_cut(dfg: &Dfg) -> Option<Vec<Vec<usize>>> {
    if !dfg.has_edges() {
        return None;
    }
    let n = dfg.len();
    let is_start = |a: usize| dfg.start[a] > 0;
    let is_end = |a: usize| dfg.end[a] > 0;
    let boundary = |a: usize| is_start(a) || is_end(a);
    let vertices = dfg.vertices();
    let inner: Vec<usize> = vertices.iter().copied().filter(|&a| !boundary(a)).collect();
    let comps = components(n, &inner, |a, b| dfg.edge(a, b) || dfg.edge(b, a));
    let mut comp_of = vec![usize::MAX; n];
    for (i, g) in comps.iter().enumerate() {
        for &a in g {
            comp_of[a] = i;
        }
    }
    let mut in_do = vec![false; comps.len()];
    // Components entered from a start activity that is not an end activity, or left towards
    // an end activity that is not a start activity, belong to the do part.
    for a in vertices
        .iter()
        .copied()
        .filter(|&a| is_start(a) && !is_end(a))
    {
        for b in 0..n {
            if dfg.edge(a, b) && comp_of[b] != usize::MAX {
                in_do[comp_of[b]] = true;
            }
        }
    }
    for b in vertices
        .iter()
        .copied()
        .filter(|&b| is_end(b) && !is_start(b))
    {
        for a in 0..n {
            if dfg.edge(a, b) && comp_of[a] != usize::MAX {
                in_do[comp_of[a]] = true;
            }
        }
    }
    let starts: Vec<usize> = vertices.iter().copied().filter(|&a| is_start(a)).collect();
    let ends: Vec<usize> = vertices.iter().copied().filter(|&a| is_end(a)).collect();
    for (i, g) in comps.iter().enumerate() {
        if in_do[i] {
            continue;
        }
        // Start completeness: a redo activity that goes to some start activity must go to all.
        let start_incomplete = g.iter().any(|&a| {
            starts.iter().any(|&b| dfg.edge(a, b)) && starts.iter().any(|&s| !dfg.edge(a, s))
        });
        // End completeness: one reached from some end activity must be reached from all.
        let end_incomplete = g.iter().any(|&a| {
            ends.iter().any(|&b| dfg.edge(b, a)) && ends.iter().any(|&e| !dfg.edge(e, a))
        });
        if start_incomplete || end_incomplete {
            in_do[i] = true;
        }
    }
    let mut do_group: Vec<usize> = vertices.iter().copied().filter(|&a| boundary(a)).collect();
    let mut redo: Vec<usize> = Vec::new();
    for (i, g) in comps.iter().enumerate() {
        if in_do[i] {
            do_group.extend(g);
        } else {
            redo.extend(g);
        }
    }
    if redo.is_empty() {
        return None;
    }
    do_group.sort_unstable();
    redo.sort_unstable();
    Some(vec![do_group, redo])
}

/// Membership masks over log activity codes, one per group.
fn group_of(dfg: &Dfg, groups: &[Vec<usize>], codes: usize) -> Vec<usize> {
    let mut of = vec![usize::MAX; codes];
    for (i, g) in groups.iter().enumerate() {
        for &a in g {
            of[dfg.acts[a] as usize] = i;
        }
    }
    of
}

/// Split `log` along `cut`, as pm4py's `project` of each cut (UVCL variants).
pub(crate) fn project(log: &SubLog, dfg: &Dfg, cut: &Cut, codes: usize) -> Vec<SubLog> {
    let of = group_of(dfg, &cut.groups, codes);
    let k = cut.groups.len();
    let mut logs: Vec<SubLogBuilder> = (0..k).map(|_| SubLogBuilder::default()).collect();
    let g = |a: u32| of.get(a as usize).copied().unwrap_or(usize::MAX);
    match cut.op {
        Operator::Xor => {
            let mut counts = vec![0usize; k];
            let mut sub = Vec::new();
            for (t, n) in &log.variants {
                counts.iter_mut().for_each(|c| *c = 0);
                for &e in t {
                    if let Some(c) = counts.get_mut(g(e)) {
                        *c += 1;
                    }
                }
                // Most events; ties go to the highest group index (pm4py sorts (count, index)
                // descending).
                let best = (0..k).max_by_key(|&i| (counts[i], i)).unwrap_or(0);
                sub.clear();
                sub.extend(t.iter().copied().filter(|&e| g(e) == best));
                logs[best].add(&sub, *n);
            }
        }
        Operator::Sequence => {
            let (mut sub, mut ignore) = (Vec::new(), vec![false; k]);
            for (t, n) in &log.variants {
                let mut split = 0;
                ignore.iter_mut().for_each(|x| *x = false);
                for (i, log_i) in logs.iter_mut().enumerate() {
                    let next = split_point(
                        t,
                        split,
                        |e| g(e) == i,
                        |e| ignore.get(g(e)).copied().unwrap_or(false),
                    );
                    sub.clear();
                    sub.extend(t[split..next].iter().copied().filter(|&e| g(e) == i));
                    log_i.add(&sub, *n);
                    split = next;
                    ignore[i] = true;
                }
            }
        }
        Operator::Parallel | Operator::Or => {
            let mut sub = Vec::new();
            for (i, log_i) in logs.iter_mut().enumerate() {
                for (t, n) in &log.variants {
                    sub.clear();
                    sub.extend(t.iter().copied().filter(|&e| g(e) == i));
                    log_i.add(&sub, *n);
                }
            }
        }
        Operator::Loop => {
            let (mut do_trace, mut redo_trace) = (Vec::new(), Vec::new());
            for (t, n) in &log.variants {
                do_trace.clear();
                redo_trace.clear();
                for &e in t {
                    match g(e) {
                        0 => {
                            do_trace.push(e);
                            if !redo_trace.is_empty() {
                                logs[1].add(&redo_trace, *n);
                                redo_trace.clear();
                            }
                        }
                        1 => {
                            redo_trace.push(e);
                            if !do_trace.is_empty() {
                                logs[0].add(&do_trace, *n);
                                do_trace.clear();
                            }
                        }
                        _ => {
                            if !do_trace.is_empty() {
                                logs[0].add(&do_trace, *n);
                                do_trace.clear();
                            }
                            if !redo_trace.is_empty() {
                                logs[1].add(&redo_trace, *n);
                                redo_trace.clear();
                            }
                        }
                    }
                }
                if !redo_trace.is_empty() {
                    logs[1].add(&redo_trace, *n);
                }
                logs[0].add(&do_trace, *n);
            }
        }
    }
    logs.into_iter().map(SubLogBuilder::finish).collect()
}

/// pm4py's `SequenceCutUVCL._find_split_point`: where the group's part of the trace ends, the
/// position after the prefix with the most group events net of foreign (not ignored) events.
fn split_point(
    t: &[u32],
    start: usize,
    in_group: impl Fn(u32) -> bool,
    ignored: impl Fn(u32) -> bool,
) -> usize {
    let mut least = 0i64;
    let mut pos = start;
    let mut cost = 0i64;
    for (i, &e) in t.iter().enumerate().skip(start) {
        if in_group(e) {
            cost -= 1;
        } else if !ignored(e) {
            cost += 1;
        }
        if cost < least {
            least = cost;
            pos = i + 1;
        }
    }
    pos
}
