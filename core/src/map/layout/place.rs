//! Horizontal coordinates for ordered layers: each vertex is pulled toward the weighted mean of
//! its neighbours' x, and each layer is then placed as close to those wishes as its order and
//! minimum gaps allow — an exact weighted least-squares fit solved by pool-adjacent-violators
//! (isotonic regression), so one sweep over a layer is linear. Alternating sweeps converge to
//! straight long edges (dummy–dummy segments weigh most, as in Gansner et al.) and balanced
//! fans, a simple stand-in for Brandes–Köpf.

use super::order::Layered;

/// Sweep the layers `sweeps` times; `width[v]` is each vertex's width, `gap` the minimum space
/// between neighbours (`dummy_gap` between two dummies). Returns the x of every vertex's
/// centre, leftmost extent at 0.
pub(crate) fn place_x(
    g: &Layered,
    width: &[f64],
    gap: f64,
    dummy_gap: f64,
    sweeps: usize,
) -> Vec<f64> {
    let nv = g.layer.len();
    let sep = |a: usize, b: usize| {
        if a >= g.real && b >= g.real {
            dummy_gap
        } else {
            gap
        }
    };
    let mut x = vec![0.0f64; nv];
    for layer in &g.layers {
        let mut at = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                at += sep(layer[i - 1], v);
            }
            x[v] = at + width[v] / 2.0;
            at += width[v];
        }
        // Centre each layer on 0 so the first sweep starts balanced.
        let shift = at / 2.0;
        for &v in layer {
            x[v] -= shift;
        }
    }
    let factor = |a: usize, b: usize| match (a >= g.real, b >= g.real) {
        (true, true) => 8.0,
        (false, false) => 1.0,
        _ => 2.0,
    };
    let depth = g.layers.len();
    for s in 0..sweeps {
        let order: Vec<usize> = if s % 2 == 0 {
            (0..depth).collect()
        } else {
            (0..depth).rev().collect()
        };
        // The last two sweeps use both sides, earlier ones the side already placed.
        let both = s + 2 >= sweeps;
        for l in order {
            let layer = &g.layers[l];
            let mut wish = Vec::with_capacity(layer.len());
            let mut pull = Vec::with_capacity(layer.len());
            for &v in layer {
                let mut sum = 0.0;
                let mut w = 0.0;
                let sides: [&[(usize, f64)]; 2] = if both {
                    [&g.up[v], &g.down[v]]
                } else if s % 2 == 0 {
                    [&g.up[v], &[]]
                } else {
                    [&g.down[v], &[]]
                };
                for side in sides {
                    for &(u, ew) in side {
                        let k = ew * factor(u, v);
                        sum += k * x[u];
                        w += k;
                    }
                }
                if w > 0.0 {
                    wish.push(sum / w);
                    pull.push(w);
                } else {
                    wish.push(x[v]);
                    pull.push(1e-3);
                }
            }
            let placed = fit(layer, width, &sep, &wish, &pull);
            for (&v, p) in layer.iter().zip(placed) {
                x[v] = p;
            }
        }
    }
    let left = (0..nv)
        .map(|v| x[v] - width[v] / 2.0)
        .fold(f64::INFINITY, f64::min);
    if left.is_finite() {
        for v in x.iter_mut() {
            *v -= left;
        }
    }
    x
}

/// Positions for one ordered layer minimising `Σ pull·(x − wish)²` subject to the minimum gaps.
fn fit(
    layer: &[usize],
    width: &[f64],
    sep: &dyn Fn(usize, usize) -> f64,
    wish: &[f64],
    pull: &[f64],
) -> Vec<f64> {
    // Substituting y_i = x_i − offset_i turns the gaps into y non-decreasing.
    let mut offset = Vec::with_capacity(layer.len());
    let mut at = 0.0;
    for (i, &v) in layer.iter().enumerate() {
        if i > 0 {
            at += (width[layer[i - 1]] + width[v]) / 2.0 + sep(layer[i - 1], v);
        }
        offset.push(at);
    }
    // Blocks of (weighted sum, weight, length).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(layer.len());
    for i in 0..layer.len() {
        let mut b = (pull[i] * (wish[i] - offset[i]), pull[i], 1usize);
        while let Some(&prev) = blocks.last() {
            if prev.0 / prev.1 > b.0 / b.1 {
                b = (prev.0 + b.0, prev.1 + b.1, prev.2 + b.2);
                blocks.pop();
            } else {
                break;
            }
        }
        blocks.push(b);
    }
    let mut out = Vec::with_capacity(layer.len());
    let mut i = 0;
    for (s, w, len) in blocks {
        let y = s / w;
        for _ in 0..len {
            out.push(y + offset[i]);
            i += 1;
        }
    }
    out
}
