//! Hashing and comparing the integer keys replay and alignments look up millions of times
//! (activity-code traces, search states), in the way wasm32 runs fast: one 64-bit multiply per
//! word instead of a general-purpose hasher's 128-bit products (emulated in wasm32), and a
//! word-wise compare instead of `memcmp` (a byte loop in wasm32).

use hashbrown::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// `a == b` without `memcmp` (the word-wise XOR is as fast in wasm32 as natively).
pub(crate) fn same(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A hasher for integer keys: one 64-bit multiply per word.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IntHash(u64);

impl Hasher for IntHash {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(word));
        }
        for &b in words.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    fn finish(&self) -> u64 {
        // The product's high bits depend on every input bit; bring them down to the bucket bits.
        self.0.rotate_left(26)
    }
}

/// A trace of activity codes as a hash-map key, hashed and compared word by word.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Codes<'a>(pub &'a [u32]);

impl PartialEq for Codes<'_> {
    fn eq(&self, other: &Self) -> bool {
        same(self.0, other.0)
    }
}

impl Eq for Codes<'_> {}

impl Hash for Codes<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for pair in self.0.chunks(2) {
            let high = pair.get(1).map_or(0, |&b| u64::from(b) << 32);
            state.write_u64(u64::from(pair[0]) | high);
        }
    }
}

/// A map keyed by integers or [`Codes`], with [`IntHash`].
pub(crate) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHash>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_that_differ_anywhere_are_different_keys() {
        let mut m: IntMap<Codes<'_>, u32> = IntMap::default();
        let traces: [&[u32]; 5] = [&[], &[1], &[1, 2], &[1, 2, 3], &[2, 1, 3]];
        for (i, t) in traces.iter().enumerate() {
            assert_eq!(m.insert(Codes(t), i as u32), None);
        }
        for (i, t) in traces.iter().enumerate() {
            assert_eq!(m.get(&Codes(t)), Some(&(i as u32)));
        }
        assert!(!same(&[1, 2], &[1, 3]) && !same(&[1], &[1, 1]) && same(&[4, 5], &[4, 5]));
    }
}
