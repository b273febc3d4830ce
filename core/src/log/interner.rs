//! A string interner: each distinct string gets a dense `u32` code, in order of first sight.
//!
//! Strings live back to back in one arena (`String`) with an offset table, and a hash table of
//! codes finds them again, so interning a string already seen allocates nothing. It does not
//! free or remove strings: a log's dictionaries only grow while it is built.

use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Dense dictionary: code `i` ↔ the `i`-th distinct string interned.
#[derive(Clone, Default)]
pub struct Interner {
    arena: String,
    /// `ends[i]` is the end offset of string `i` in `arena` (its start is `ends[i - 1]` or 0).
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Interner {
    fn eq(&self, other: &Self) -> bool {
        self.ends == other.ends && self.arena == other.arena
    }
}

impl Interner {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }

    /// The code of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> u32 {
        match self.find_bytes(s.as_bytes()) {
            Ok(code) => code,
            Err(hash) => self.insert(s, hash),
        }
    }

    /// The code of the UTF-8 text `bytes`, adding it if it is new; `None` if the bytes are not
    /// UTF-8. Validation runs only for new strings, so interning repeated values from raw input
    /// costs one hash and one comparison.
    pub fn intern_bytes(&mut self, bytes: &[u8]) -> Option<u32> {
        match self.find_bytes(bytes) {
            Ok(code) => Some(code),
            Err(hash) => {
                let s = std::str::from_utf8(bytes).ok()?;
                Some(self.insert(s, hash))
            }
        }
    }

    /// The code of `bytes`, or the hash to insert them with.
    fn find_bytes(&self, bytes: &[u8]) -> Result<u32, u64> {
        let hash = self.hasher.hash_one(bytes);
        let (arena, ends) = (self.arena.as_bytes(), &self.ends);
        let found = self.table.find(hash, |&c| {
            let i = c as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &arena[start..ends[i]] == bytes
        });
        found.copied().ok_or(hash)
    }

    fn insert(&mut self, s: &str, hash: u64) -> u32 {
        let code = self.ends.len() as u32;
        self.arena.push_str(s);
        self.ends.push(self.arena.len());
        let (arena, ends, hasher) = (self.arena.as_bytes(), &self.ends, &self.hasher);
        self.table.insert_unique(hash, code, |&c| {
            let i = c as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            hasher.hash_one(&arena[start..ends[i]])
        });
        code
    }

    /// The code of `s` if it was interned.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.find_bytes(s.as_bytes()).ok()
    }

    /// The string of `code`, or `None` for an unknown code.
    pub fn get(&self, code: u32) -> Option<&str> {
        let i = code as usize;
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.arena.get(start..end)
    }

    /// The string of a code this dictionary handed out (`""` for an unknown code).
    pub fn resolve(&self, code: u32) -> &str {
        self.get(code).unwrap_or("")
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All strings in code order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len() as u32).map(|c| self.resolve(c))
    }

    /// Bytes held (arena + offsets + table), for footprint reports.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_and_stable() {
        let mut i = Interner::new();
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern("bb"), 1);
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern(""), 2);
        assert_eq!(i.resolve(1), "bb");
        assert_eq!(i.resolve(2), "");
        assert_eq!(i.lookup("bb"), Some(1));
        assert_eq!(i.lookup("c"), None);
        assert_eq!(i.get(9), None);
        for n in 0..10_000 {
            assert_eq!(i.intern(&n.to_string()), 3 + n);
        }
        assert_eq!(i.lookup("9999"), Some(10_002));
        assert_eq!(i.intern_bytes(b"bb"), Some(1));
        assert_eq!(i.intern_bytes(b"\xff"), None);
        assert_eq!(i.intern_bytes("ü".as_bytes()), Some(10_003));
    }
}
