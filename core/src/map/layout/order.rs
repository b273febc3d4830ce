//! The middle Sugiyama steps: split long edges into chains of dummy vertices (one per layer
//! crossed), then order every layer to reduce weighted edge crossings with alternating
//! barycenter sweeps, keeping the best order seen (crossings counted exactly per layer pair with
//! a Fenwick tree). The number of sweeps shrinks with the graph so huge inputs still finish.

/// The layered graph: real vertices `0..n`, dummies after them.
pub(crate) struct Layered {
    /// Layer of every vertex.
    pub layer: Vec<usize>,
    /// Vertices of each layer, in order.
    pub layers: Vec<Vec<usize>>,
    /// Per vertex: neighbours on the layer above / below, with the segment's weight.
    pub up: Vec<Vec<(usize, f64)>>,
    pub down: Vec<Vec<(usize, f64)>>,
    /// Per oriented input edge: its vertices from the upper end to the lower end (empty for
    /// self-loops).
    pub chains: Vec<Vec<usize>>,
    /// Number of real vertices.
    pub real: usize,
}

impl Layered {
    /// Build from layers of the `n` real vertices and oriented edges (`from` above `to`).
    pub fn new(n: usize, layer_of: &[usize], edges: &[(usize, usize, f64)]) -> Layered {
        let mut layer = layer_of.to_vec();
        let mut up: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let mut down: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let mut chains = Vec::with_capacity(edges.len());
        for &(a, b, w) in edges {
            if a == b || layer[a] >= layer[b] {
                chains.push(Vec::new());
                continue;
            }
            let mut chain = vec![a];
            for l in layer[a] + 1..layer[b] {
                let d = layer.len();
                layer.push(l);
                up.push(Vec::new());
                down.push(Vec::new());
                chain.push(d);
            }
            chain.push(b);
            for s in chain.windows(2) {
                down[s[0]].push((s[1], w));
                up[s[1]].push((s[0], w));
            }
            chains.push(chain);
        }
        let depth = layer.iter().copied().max().map_or(0, |m| m + 1);
        let mut layers = vec![Vec::new(); depth];
        for (v, &l) in layer.iter().enumerate() {
            layers[l].push(v);
        }
        Layered {
            layer,
            layers,
            up,
            down,
            chains,
            real: n,
        }
    }

    /// Order the layers to reduce crossings; at most `max_sweeps` down+up sweeps.
    pub fn reduce_crossings(&mut self, max_sweeps: usize) {
        self.initial_order();
        let mut pos = vec![0usize; self.layer.len()];
        self.positions(&mut pos);
        let mut best = self.layers.clone();
        let mut best_cross = self.crossings(&pos);
        let mut stale = 0;
        for sweep in 0..max_sweeps {
            if best_cross == 0.0 {
                break;
            }
            let downward = sweep % 2 == 0;
            let range: Vec<usize> = if downward {
                (1..self.layers.len()).collect()
            } else {
                (0..self.layers.len().saturating_sub(1)).rev().collect()
            };
            for l in range {
                self.sort_layer(l, downward, &mut pos);
            }
            let c = self.crossings(&pos);
            if c < best_cross {
                best_cross = c;
                best = self.layers.clone();
                stale = 0;
            } else {
                stale += 1;
                if stale >= 4 {
                    break;
                }
            }
        }
        self.layers = best;
    }

    /// Depth-first order from the top, heaviest edges first: related vertices start together.
    fn initial_order(&mut self) {
        let nv = self.layer.len();
        let mut seen = vec![false; nv];
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); self.layers.len()];
        let roots: Vec<usize> = self.layers.iter().flatten().copied().collect();
        let mut stack = Vec::new();
        for r in roots {
            if seen[r] {
                continue;
            }
            stack.push(r);
            while let Some(v) = stack.pop() {
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                layers[self.layer[v]].push(v);
                let mut next: Vec<(usize, f64)> = self.down[v].clone();
                // Pushed lightest first so the heaviest is visited first.
                next.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
                stack.extend(next.into_iter().map(|x| x.0).filter(|&t| !seen[t]));
            }
        }
        self.layers = layers;
    }

    fn positions(&self, pos: &mut [usize]) {
        for layer in &self.layers {
            for (i, &v) in layer.iter().enumerate() {
                pos[v] = i;
            }
        }
    }

    /// Sort layer `l` by the barycenter of its neighbours above (`downward`) or below.
    fn sort_layer(&mut self, l: usize, downward: bool, pos: &mut [usize]) {
        let mut keyed: Vec<(f64, usize, usize)> = self.layers[l]
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let nb = if downward { &self.up[v] } else { &self.down[v] };
                let (s, w) = nb
                    .iter()
                    .fold((0.0, 0.0), |(s, w), &(u, x)| (s + pos[u] as f64 * x, w + x));
                let key = if w > 0.0 { s / w } else { i as f64 };
                (key, i, v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.layers[l] = keyed.iter().map(|k| k.2).collect();
        for (i, &v) in self.layers[l].iter().enumerate() {
            pos[v] = i;
        }
    }

    /// Weighted crossings (product of the two segments' weights), summed over layer pairs.
    pub fn crossings(&self, pos: &[usize]) -> f64 {
        let mut total = 0.0;
        let mut segs: Vec<(usize, usize, f64)> = Vec::new();
        for l in 0..self.layers.len().saturating_sub(1) {
            segs.clear();
            for &v in &self.layers[l] {
                for &(t, w) in &self.down[v] {
                    segs.push((pos[v], pos[t], w));
                }
            }
            segs.sort_by_key(|a| (a.0, a.1));
            let width = self.layers[l + 1].len();
            let mut tree = vec![0.0f64; width + 1];
            let mut seen = 0.0;
            for &(_, p, w) in &segs {
                // Weight already inserted at positions <= p.
                let mut below = 0.0;
                let mut i = p + 1;
                while i > 0 {
                    below += tree[i];
                    i &= i - 1;
                }
                total += w * (seen - below);
                let mut i = p + 1;
                while i <= width {
                    tree[i] += w;
                    i += i & i.wrapping_neg();
                }
                seen += w;
            }
        }
        total
    }
}
