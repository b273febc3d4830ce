//! Line numbers of byte offsets in a document read front to back, for located errors of the
//! pull readers (PNML, BPMN, OCEL XML): counting forward from the last offset asked keeps the
//! whole read linear.

/// Counts lines up to the offsets asked; an offset before the last one counts from the start.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    /// The 1-based line of byte `offset` (clamped to the document).
    pub(crate) fn at(&mut self, offset: u64) -> u64 {
        let to = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if to < self.pos {
            (self.pos, self.line) = (0, 1);
        }
        self.line += super::bytes::count_newlines(&self.bytes[self.pos..to]);
        self.pos = to;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_forward_backward_and_past_the_end() {
        let mut l = Lines::new(b"a\nb\nc");
        assert_eq!(l.at(0), 1);
        assert_eq!(l.at(2), 2);
        assert_eq!(l.at(4), 3);
        assert_eq!(l.at(1), 1);
        assert_eq!(l.at(u64::MAX), 3);
    }
}
