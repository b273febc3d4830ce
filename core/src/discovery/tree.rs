//! Process trees in pm4py's shape and string syntax (`->( 'a', X( 'b', tau ) )`).
//!
//! [`ProcessTree::fold`] is pm4py's `fold` (drop meaningless taus, collapse one-child operators,
//! flatten nested ×/→/∧), which pm4py applies to every discovered tree; [`ProcessTree::canonical`]
//! orders the children of ×, ∧ and ∨ so that two trees equal "up to child order" compare equal.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A process-tree operator, with pm4py's symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operator {
    /// `->`: children in order.
    Sequence,
    /// `X`: exactly one child.
    Xor,
    /// `+`: all children, interleaved.
    Parallel,
    /// `*`: the first child, then zero or more times (a redo child, then the first again).
    Loop,
    /// `O`: one or more children, interleaved.
    Or,
}

impl Operator {
    /// pm4py's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Sequence => "->",
            Operator::Xor => "X",
            Operator::Parallel => "+",
            Operator::Loop => "*",
            Operator::Or => "O",
        }
    }

    /// Whether the children's order is irrelevant (×, ∧, ∨).
    pub fn is_unordered(self) -> bool {
        matches!(self, Operator::Xor | Operator::Parallel | Operator::Or)
    }
}

/// A process tree: a silent leaf, an activity leaf, or an operator over children.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProcessTree {
    Tau,
    Activity(String),
    Node(Operator, Vec<ProcessTree>),
}

impl ProcessTree {
    /// Visible leaves (activities), counted with repetition.
    pub fn activity_count(&self) -> usize {
        match self {
            ProcessTree::Tau => 0,
            ProcessTree::Activity(_) => 1,
            ProcessTree::Node(_, c) => c.iter().map(ProcessTree::activity_count).sum(),
        }
    }

    fn is_tau(&self) -> bool {
        matches!(self, ProcessTree::Tau)
    }

    /// pm4py's `fold` (process_tree/utils/generic.py), to its fixpoint: → and ∧ lose their tau
    /// children (all-tau → tau), × and ∨ keep at most one, a loop of two taus is tau, an operator
    /// with one child is that child, and nested →/×/∧ of the same operator are flattened.
    pub fn fold(self) -> ProcessTree {
        let ProcessTree::Node(op, children) = self else {
            return self;
        };
        let mut kids: Vec<ProcessTree> = Vec::with_capacity(children.len());
        for c in children.into_iter().map(ProcessTree::fold) {
            match c {
                ProcessTree::Node(cop, grand)
                    if cop == op
                        && matches!(
                            op,
                            Operator::Sequence | Operator::Xor | Operator::Parallel
                        ) =>
                {
                    kids.extend(grand)
                }
                other => kids.push(other),
            }
        }
        if kids.is_empty() {
            return ProcessTree::Node(op, kids);
        }
        match op {
            Operator::Sequence | Operator::Parallel => kids.retain(|k| !k.is_tau()),
            Operator::Xor | Operator::Or => {
                let mut seen = false;
                kids.retain(|k| {
                    if !k.is_tau() {
                        return true;
                    }
                    let keep = !seen;
                    seen = true;
                    keep
                });
            }
            Operator::Loop => {
                if kids.len() == 2 && kids.iter().all(ProcessTree::is_tau) {
                    kids.truncate(1);
                }
            }
        }
        match kids.len() {
            0 => ProcessTree::Tau,
            1 => kids.pop().unwrap_or(ProcessTree::Tau),
            _ => ProcessTree::Node(op, kids),
        }
    }

    /// The same tree with the children of ×, ∧ and ∨ sorted by their canonical string, so two
    /// trees equal up to that order are `==`.
    pub fn canonical(&self) -> ProcessTree {
        match self {
            ProcessTree::Node(op, c) => {
                let mut kids: Vec<ProcessTree> = c.iter().map(ProcessTree::canonical).collect();
                if op.is_unordered() {
                    kids.sort_by_cached_key(|k| k.to_string());
                }
                ProcessTree::Node(*op, kids)
            }
            leaf => leaf.clone(),
        }
    }

    /// Parse pm4py's string syntax; the error names the byte offset.
    pub fn parse(text: &str) -> Result<ProcessTree, TreeSyntaxError> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            at: 0,
            depth: 0,
        };
        let tree = p.tree()?;
        p.skip_ws();
        if p.at != p.s.len() {
            return Err(p.error("unexpected text after the tree"));
        }
        Ok(tree)
    }
}

impl fmt::Display for ProcessTree {
    /// pm4py's `ProcessTree.to_string()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessTree::Tau => f.write_str("tau"),
            ProcessTree::Activity(a) => f.write_str(a),
            ProcessTree::Node(op, c) => {
                write!(f, "{}( ", op.symbol())?;
                for (i, k) in c.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match k {
                        ProcessTree::Activity(a) => write!(f, "'{a}'")?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str(" )")
            }
        }
    }
}

/// A process-tree string that is not pm4py's syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("process tree syntax, at byte {offset}: {message}")]
pub struct TreeSyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Deeper trees are refused rather than risking the stack.
const MAX_DEPTH: usize = 500;

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> TreeSyntaxError {
        TreeSyntaxError {
            offset: self.at,
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.at..].starts_with(lit.as_bytes()) {
            self.at += lit.len();
            true
        } else {
            false
        }
    }

    fn tree(&mut self) -> Result<ProcessTree, TreeSyntaxError> {
        self.skip_ws();
        if self.s.get(self.at) == Some(&b'\'') {
            return self.label();
        }
        let op = if self.eat("->") {
            Operator::Sequence
        } else if self.eat("X") {
            Operator::Xor
        } else if self.eat("+") {
            Operator::Parallel
        } else if self.eat("*") {
            Operator::Loop
        } else if self.eat("O") {
            Operator::Or
        } else if self.eat("tau") {
            return Ok(ProcessTree::Tau);
        } else {
            return Err(self.error("expected an operator, a quoted label or tau"));
        };
        self.skip_ws();
        if !self.eat("(") {
            return Err(self.error("expected '(' after the operator"));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("tree nested too deeply"));
        }
        let mut kids = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(")") {
                break;
            }
            if !kids.is_empty() && !self.eat(",") {
                return Err(self.error("expected ',' or ')'"));
            }
            kids.push(self.tree()?);
        }
        self.depth -= 1;
        Ok(ProcessTree::Node(op, kids))
    }

    /// A label runs to the first quote followed by `,` or `)` (pm4py writes quotes unescaped).
    fn label(&mut self) -> Result<ProcessTree, TreeSyntaxError> {
        let start = self.at + 1;
        let mut i = start;
        while i < self.s.len() {
            if self.s[i] == b'\'' {
                let mut j = i + 1;
                while self.s.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                if matches!(self.s.get(j), None | Some(b',') | Some(b')')) {
                    let label = self
                        .text
                        .get(start..i)
                        .ok_or_else(|| self.error("label is not UTF-8"))?;
                    self.at = i + 1;
                    return Ok(ProcessTree::Activity(label.to_string()));
                }
            }
            i += 1;
        }
        Err(self.error("unterminated label"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses_pm4py_syntax() {
        let s = "->( 'a', X( 'b', tau ), *( 'c', tau ) )";
        let t = ProcessTree::parse(s).unwrap();
        assert_eq!(t.to_string(), s);
    }

    #[test]
    fn fold_flattens_and_drops_taus() {
        let t = ProcessTree::parse("->( 'a', ->( tau, 'b' ), X( tau, X( tau, 'c' ) ), +( tau ) )")
            .unwrap();
        assert_eq!(t.fold().to_string(), "->( 'a', 'b', X( tau, 'c' ) )");
    }

    #[test]
    fn canonical_ignores_order_of_choice_children_only() {
        let a = ProcessTree::parse("X( 'b', 'a' )").unwrap().canonical();
        let b = ProcessTree::parse("X( 'a', 'b' )").unwrap().canonical();
        assert_eq!(a, b);
        let c = ProcessTree::parse("->( 'b', 'a' )").unwrap().canonical();
        let d = ProcessTree::parse("->( 'a', 'b' )").unwrap().canonical();
        assert_ne!(c, d);
    }

    #[test]
    fn bad_syntax_is_located() {
        let e = ProcessTree::parse("->( 'a', #( 'b' ) )").unwrap_err();
        assert_eq!(e.offset, 9);
        assert!(ProcessTree::parse(&"->( ".repeat(1000)).is_err());
    }
}
