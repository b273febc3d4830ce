//! k-means (k-means++ seeding, Lloyd iterations) and sampled silhouette, written for speed.
//!
//! Data is a flat row-major `f32` slice. The hot loop computes squared distances from one row
//! to a block of 8 centres at once: centres are stored transposed in `[f32; 8]` lanes
//! (`block[j][l]` = coordinate `j` of centre `l`), so the innermost loop is 8 independent
//! lanes that the compiler turns into SIMD without `unsafe` intrinsics. On x86-64 the same code
//! is also compiled with AVX2 enabled and picked at run time; both paths add in the same order,
//! so they give bit-identical results. Sums for the centre update and the inertia are kept in
//! `f64`. Single thread, deterministic for a given seed; no I/O.
//!
//! Deliberately not here: mini-batch variants, Elkan's triangle-inequality pruning (it does not
//! pay for k = 8), and threads (the browser runs this in one Web Worker).

use super::rng::Rng;
use serde::{Deserialize, Serialize};

const LANES: usize = 8;
type Lane = [f32; LANES];

/// Parameters of one k-means run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansConfig {
    pub k: usize,
    /// Most Lloyd iterations (assignment + update).
    pub max_iter: usize,
    /// Stop when the total squared centre shift is at most this (0: only when no label changes).
    pub tol: f64,
    pub seed: u64,
}

impl Default for KMeansConfig {
    fn default() -> Self {
        KMeansConfig {
            k: 8,
            max_iter: 20,
            tol: 0.0,
            seed: 0,
        }
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeans {
    pub k: usize,
    pub dims: usize,
    /// `k × dims`, row-major.
    pub centres: Vec<f32>,
    /// Nearest centre of each row (for the returned centres).
    pub labels: Vec<u32>,
    /// Sum of squared distances of rows to their nearest centre.
    pub inertia: f64,
    /// Inertia measured at each assignment step, the last one for the returned centres.
    pub history: Vec<f64>,
    /// Lloyd iterations run (centre updates).
    pub iterations: usize,
}

impl KMeans {
    /// Nearest centre of `row` and the squared distance to it.
    pub fn nearest(&self, row: &[f32]) -> (u32, f32) {
        let blocks = transpose(&self.centres, self.k, self.dims);
        nearest_in(row, &blocks, self.k, self.dims)
    }

    /// Nearest centre of every row of `data` (row-major, `dims` wide).
    pub fn predict(&self, data: &[f32]) -> Vec<u32> {
        let blocks = transpose(&self.centres, self.k, self.dims);
        data.chunks_exact(self.dims.max(1))
            .map(|row| nearest_in(row, &blocks, self.k, self.dims).0)
            .collect()
    }
}

/// Cluster the `data.len() / dims` rows of `data` into `config.k` groups.
///
/// `k` is lowered to the number of rows when there are fewer; empty input gives an empty result.
pub fn kmeans(data: &[f32], dims: usize, config: &KMeansConfig) -> KMeans {
    let n = data.len().checked_div(dims).unwrap_or(0);
    let data = &data[..n * dims];
    let k = config.k.min(n);
    if k == 0 {
        return KMeans {
            k: 0,
            dims,
            centres: vec![],
            labels: vec![0; n],
            inertia: 0.0,
            history: vec![],
            iterations: 0,
        };
    }
    let mut rng = Rng::new(config.seed);
    let mut centres = plus_plus(data, dims, k, &mut rng);
    let mut labels = vec![u32::MAX; n];
    let mut dist = vec![0f32; n];
    let mut sums = vec![0f64; k * dims];
    let mut counts = vec![0usize; k];
    let mut history = Vec::with_capacity(config.max_iter + 1);
    let mut iterations = 0;
    loop {
        let blocks = transpose(&centres, k, dims);
        sums.iter_mut().for_each(|s| *s = 0.0);
        counts.iter_mut().for_each(|c| *c = 0);
        let (inertia, changed) = assign(
            data,
            dims,
            k,
            &blocks,
            &mut labels,
            &mut dist,
            &mut sums,
            &mut counts,
        );
        history.push(inertia);
        if iterations == config.max_iter || (changed == 0 && iterations > 0) {
            return KMeans {
                k,
                dims,
                centres,
                labels,
                inertia,
                history,
                iterations,
            };
        }
        // Update: means of the assigned rows; an empty cluster takes the row farthest from its centre.
        let mut shift = 0.0f64;
        let mut taken: Vec<usize> = Vec::new();
        for c in 0..k {
            let new: Vec<f32> = if counts[c] > 0 {
                sums[c * dims..(c + 1) * dims]
                    .iter()
                    .map(|s| (s / counts[c] as f64) as f32)
                    .collect()
            } else {
                let far = farthest(&dist, &taken);
                taken.push(far);
                dist[far] = 0.0;
                data[far * dims..(far + 1) * dims].to_vec()
            };
            for (old, new) in centres[c * dims..(c + 1) * dims].iter_mut().zip(new) {
                shift += ((*old - new) as f64).powi(2);
                *old = new;
            }
        }
        iterations += 1;
        if config.tol > 0.0 && shift <= config.tol {
            let blocks = transpose(&centres, k, dims);
            let (inertia, _) = assign(
                data,
                dims,
                k,
                &blocks,
                &mut labels,
                &mut dist,
                &mut sums,
                &mut counts,
            );
            history.push(inertia);
            return KMeans {
                k,
                dims,
                centres,
                labels,
                inertia,
                history,
                iterations,
            };
        }
    }
}

fn farthest(dist: &[f32], taken: &[usize]) -> usize {
    let mut best = 0;
    let mut best_d = f32::NEG_INFINITY;
    for (i, &d) in dist.iter().enumerate() {
        if d > best_d && !taken.contains(&i) {
            best = i;
            best_d = d;
        }
    }
    best
}

/// Centres (`k × dims`) as blocks of 8 lanes: `blocks[b * dims + j][l]` = centre `8b + l`, coord `j`.
fn transpose(centres: &[f32], k: usize, dims: usize) -> Vec<Lane> {
    let nb = k.div_ceil(LANES);
    let mut blocks = vec![[0f32; LANES]; nb * dims];
    for c in 0..k {
        for j in 0..dims {
            blocks[(c / LANES) * dims + j][c % LANES] = centres[c * dims + j];
        }
    }
    blocks
}

/// Squared distances from `row` to the 8 centres of one block.
#[inline(always)]
fn block_dist(row: &[f32], block: &[Lane]) -> Lane {
    let mut acc = [0f32; LANES];
    for (&x, c) in row.iter().zip(block) {
        for l in 0..LANES {
            let d = x - c[l];
            acc[l] += d * d;
        }
    }
    acc
}

#[inline(always)]
fn nearest_in(row: &[f32], blocks: &[Lane], k: usize, dims: usize) -> (u32, f32) {
    let mut best = (0u32, f32::INFINITY);
    for (b, block) in blocks.chunks_exact(dims.max(1)).enumerate() {
        let d = block_dist(row, block);
        let lanes = (k - b * LANES).min(LANES);
        for (l, &dl) in d.iter().enumerate().take(lanes) {
            if dl < best.1 {
                best = ((b * LANES + l) as u32, dl);
            }
        }
    }
    best
}

/// `nearest_in` for four consecutive rows (`rows` is `4 × dims`).
#[inline(always)]
fn nearest4(rows: &[f32], blocks: &[Lane], k: usize, dims: usize) -> [(u32, f32); 4] {
    let mut best = [(0u32, f32::INFINITY); 4];
    let (r0, rest) = rows.split_at(dims);
    let (r1, rest) = rest.split_at(dims);
    let (r2, r3) = rest.split_at(dims);
    for (b, block) in blocks.chunks_exact(dims.max(1)).enumerate() {
        let mut acc = [[0f32; LANES]; 4];
        for j in 0..dims {
            let c = &block[j];
            let x = [r0[j], r1[j], r2[j], r3[j]];
            for r in 0..4 {
                for l in 0..LANES {
                    let d = x[r] - c[l];
                    acc[r][l] += d * d;
                }
            }
        }
        let lanes = (k - b * LANES).min(LANES);
        for r in 0..4 {
            for (l, &dl) in acc[r].iter().enumerate().take(lanes) {
                if dl < best[r].1 {
                    best[r] = ((b * LANES + l) as u32, dl);
                }
            }
        }
    }
    best
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn assign_generic(
    data: &[f32],
    dims: usize,
    k: usize,
    blocks: &[Lane],
    labels: &mut [u32],
    dist: &mut [f32],
    sums: &mut [f64],
    counts: &mut [usize],
) -> (f64, usize) {
    let mut inertia = 0f64;
    let mut changed = 0;
    let n = data.len() / dims;
    // Four rows at a time: four independent add chains keep the SIMD units busy; each row's
    // sums are in the same order as `nearest_in`, so results do not depend on the grouping.
    let mut found = vec![(0u32, 0f32); n];
    let quads = n / 4;
    for q in 0..quads {
        let at = q * 4 * dims;
        let r = nearest4(&data[at..at + 4 * dims], blocks, k, dims);
        found[q * 4..q * 4 + 4].copy_from_slice(&r);
    }
    for (i, row) in data.chunks_exact(dims).enumerate().skip(quads * 4) {
        found[i] = nearest_in(row, blocks, k, dims);
    }
    for (i, row) in data.chunks_exact(dims).enumerate() {
        let (c, d) = found[i];
        inertia += d as f64;
        dist[i] = d;
        if labels[i] != c {
            labels[i] = c;
            changed += 1;
        }
        counts[c as usize] += 1;
        for (s, &x) in sums[c as usize * dims..(c as usize + 1) * dims]
            .iter_mut()
            .zip(row)
        {
            *s += x as f64;
        }
    }
    (inertia, changed)
}

#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2")]
fn assign_avx2(
    data: &[f32],
    dims: usize,
    k: usize,
    blocks: &[Lane],
    labels: &mut [u32],
    dist: &mut [f32],
    sums: &mut [f64],
    counts: &mut [usize],
) -> (f64, usize) {
    assign_generic(data, dims, k, blocks, labels, dist, sums, counts)
}

/// Assign every row to its nearest centre; accumulate sums and counts; (inertia, changed labels).
#[allow(clippy::too_many_arguments)]
fn assign(
    data: &[f32],
    dims: usize,
    k: usize,
    blocks: &[Lane],
    labels: &mut [u32],
    dist: &mut [f32],
    sums: &mut [f64],
    counts: &mut [usize],
) -> (f64, usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above); the function has no other contract.
        return unsafe { assign_avx2(data, dims, k, blocks, labels, dist, sums, counts) };
    }
    assign_generic(data, dims, k, blocks, labels, dist, sums, counts)
}

/// k-means++ seeding with `2 + ln k` candidate draws per centre, keeping the best (as
/// scikit-learn does).
fn plus_plus(data: &[f32], dims: usize, k: usize, rng: &mut Rng) -> Vec<f32> {
    let n = data.len() / dims;
    let trials = (2 + (k as f64).ln() as usize).min(LANES);
    let mut centres = Vec::with_capacity(k * dims);
    let first = rng.below(n);
    centres.extend_from_slice(&data[first * dims..(first + 1) * dims]);
    let first_block = transpose(&centres, 1, dims);
    let mut closest: Vec<f32> = data
        .chunks_exact(dims)
        .map(|row| block_dist(row, &first_block)[0])
        .collect();
    let mut pot: f64 = closest.iter().map(|&d| d as f64).sum();
    let mut cand_d = vec![[0f32; LANES]; n];
    let mut cumulative = vec![0f64; n];
    while centres.len() < k * dims {
        let mut acc = 0f64;
        for (c, &d) in cumulative.iter_mut().zip(&closest) {
            acc += d as f64;
            *c = acc;
        }
        let mut cands = Vec::with_capacity(trials * dims);
        for _ in 0..trials {
            let i = if pot > 0.0 {
                pick(&cumulative, &closest, rng.f64() * acc)
            } else {
                rng.below(n)
            };
            cands.extend_from_slice(&data[i * dims..(i + 1) * dims]);
        }
        let block = transpose(&cands, trials, dims);
        let pots = candidate_pots(data, dims, &block, trials, &closest, &mut cand_d);
        let best = (0..trials).fold(0, |b, t| if pots[t] < pots[b] { t } else { b });
        for (cl, cd) in closest.iter_mut().zip(&cand_d) {
            *cl = cl.min(cd[best]);
        }
        pot = pots[best];
        centres.extend_from_slice(&cands[best * dims..(best + 1) * dims]);
    }
    centres
}

#[inline(always)]
fn candidate_pots_generic(
    data: &[f32],
    dims: usize,
    block: &[Lane],
    trials: usize,
    closest: &[f32],
    cand_d: &mut [Lane],
) -> [f64; LANES] {
    let mut pots = [0f64; LANES];
    for ((row, cd), &cl) in data.chunks_exact(dims).zip(cand_d.iter_mut()).zip(closest) {
        *cd = block_dist(row, block);
        for t in 0..trials {
            pots[t] += cd[t].min(cl) as f64;
        }
    }
    pots
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn candidate_pots_avx2(
    data: &[f32],
    dims: usize,
    block: &[Lane],
    trials: usize,
    closest: &[f32],
    cand_d: &mut [Lane],
) -> [f64; LANES] {
    candidate_pots_generic(data, dims, block, trials, closest, cand_d)
}

/// Distances of every row to the candidate centres of `block`, and each candidate's potential
/// (sum over rows of the squared distance to the nearest centre if it were chosen).
fn candidate_pots(
    data: &[f32],
    dims: usize,
    block: &[Lane],
    trials: usize,
    closest: &[f32],
    cand_d: &mut [Lane],
) -> [f64; LANES] {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above); the function has no other contract.
        return unsafe { candidate_pots_avx2(data, dims, block, trials, closest, cand_d) };
    }
    candidate_pots_generic(data, dims, block, trials, closest, cand_d)
}

/// First row whose cumulative weight exceeds `target` (a row of weight 0 is never picked).
fn pick(cumulative: &[f64], weights: &[f32], target: f64) -> usize {
    let i = cumulative.partition_point(|&c| c <= target);
    if i < weights.len() && weights[i] > 0.0 {
        return i;
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// Mean silhouette of up to `sample` rows drawn with `seed` (distances among the sample only).
/// Rows alone in their cluster (within the sample) score 0, as in scikit-learn.
pub fn silhouette(data: &[f32], dims: usize, labels: &[u32], sample: usize, seed: u64) -> f64 {
    let n = labels.len().min(data.len().checked_div(dims).unwrap_or(0));
    let mut idx: Vec<usize> = (0..n).collect();
    Rng::new(seed).shuffle(&mut idx);
    idx.truncate(sample);
    let k = idx
        .iter()
        .map(|&i| labels[i] as usize + 1)
        .max()
        .unwrap_or(0);
    if k < 2 || idx.len() < 2 {
        return 0.0;
    }
    let mut members = vec![0usize; k];
    for &i in &idx {
        members[labels[i] as usize] += 1;
    }
    let mut total = 0.0;
    let mut sums = vec![0f64; k];
    for &i in &idx {
        sums.iter_mut().for_each(|s| *s = 0.0);
        let xi = &data[i * dims..(i + 1) * dims];
        for &j in &idx {
            if i != j {
                let xj = &data[j * dims..(j + 1) * dims];
                let d: f32 = xi.iter().zip(xj).map(|(a, b)| (a - b) * (a - b)).sum();
                sums[labels[j] as usize] += (d as f64).sqrt();
            }
        }
        let own = labels[i] as usize;
        if members[own] < 2 {
            continue;
        }
        let a = sums[own] / (members[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && members[c] > 0)
            .map(|c| sums[c] / members[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() && a.max(b) > 0.0 {
            total += (b - a) / a.max(b);
        }
    }
    total / idx.len() as f64
}

/// One point of the curve used to choose k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KChoice {
    pub k: usize,
    pub inertia: f64,
    pub silhouette: f64,
}

/// Run k-means for each k in `ks` and score it by sampled silhouette; returns the curve and the
/// run with the best silhouette (ties: smaller k).
pub fn choose_k(
    data: &[f32],
    dims: usize,
    ks: &[usize],
    base: &KMeansConfig,
    sample: usize,
) -> (Vec<KChoice>, Option<KMeans>) {
    let mut curve = Vec::new();
    let mut best: Option<(f64, KMeans)> = None;
    for &k in ks {
        let run = kmeans(data, dims, &KMeansConfig { k, ..base.clone() });
        let s = silhouette(data, dims, &run.labels, sample, base.seed);
        curve.push(KChoice {
            k: run.k,
            inertia: run.inertia,
            silhouette: s,
        });
        if best.as_ref().is_none_or(|(bs, _)| s > *bs + 1e-12) {
            best = Some((s, run));
        }
    }
    (curve, best.map(|(_, r)| r))
}

#[cfg(test)]
mod tests;
