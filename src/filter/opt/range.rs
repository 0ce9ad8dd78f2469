//! Interval analysis: the least and greatest value each of A, X and M[0..15] can hold.
//!
//! Input: a graph whose block indices are a topological order, and its entry. Output: for
//! every block reached, the range of each register on entry ([`Ranges::at`]), and the
//! transfer function [`step`] to follow a block's statements. Invariant: on every path and
//! every packet, each register's value lies inside its range (ranges only widen at joins,
//! and every operation whose result could wrap around yields the full range). The
//! analysis knows nothing about tests (it is for bounding offsets, not deciding branches).
//! One sweep: O(instructions), memory O(blocks).

use super::vn::NREGS;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Graph, Target};

/// `lo ..= hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub lo: u32,
    pub hi: u32,
}

pub const FULL: Range = Range {
    lo: 0,
    hi: u32::MAX,
};

impl Range {
    fn exactly(k: u32) -> Range {
        Range { lo: k, hi: k }
    }

    fn upto(hi: u32) -> Range {
        Range { lo: 0, hi }
    }

    fn join(self, o: Range) -> Range {
        Range {
            lo: self.lo.min(o.lo),
            hi: self.hi.max(o.hi),
        }
    }
}

/// A range per register slot: A, X, M[0..15].
pub type Regs = [Range; NREGS];

/// The ranges on entry to every block.
pub struct Ranges {
    at: Vec<Option<Regs>>,
}

impl Ranges {
    /// Runs the analysis.
    pub fn compute(g: &Graph, entry: usize) -> Ranges {
        let n = g.blocks.len();
        let mut at: Vec<Option<Regs>> = vec![None; n];
        at[entry] = Some([FULL; NREGS]);
        for b in entry..n {
            let Some(mut r) = at[b] else {
                continue;
            };
            let blk = &g.blocks[b];
            // A jump among the statements may skip the ones after it: what those write may
            // also keep its earlier value, so it ends up unknown.
            let mut after_jump = false;
            let mut skippable = 0u32;
            for insn in &blk.stmts {
                step(&mut r, insn);
                if class(insn.code) == BPF_JMP {
                    after_jump = true;
                } else if after_jump {
                    skippable |= super::dead::uses_defs(insn).1;
                }
            }
            for (i, reg) in r.iter_mut().enumerate() {
                if skippable & (1 << i) != 0 {
                    *reg = FULL;
                }
            }
            for t in [blk.jt, blk.jf] {
                if let Target::Block(c) = t {
                    at[c] = Some(match at[c] {
                        None => r,
                        Some(prev) => std::array::from_fn(|i| prev[i].join(r[i])),
                    });
                }
            }
        }
        Ranges { at }
    }

    /// The ranges on entry to block `b` (all full when it was not reached).
    pub fn at(&self, b: usize) -> Regs {
        self.at.get(b).copied().flatten().unwrap_or([FULL; NREGS])
    }
}

/// The ranges after `insn`, given the ranges before it.
pub fn step(r: &mut Regs, insn: &Insn) {
    const A: usize = 0;
    const X: usize = 1;
    let (c, k) = (insn.code, insn.k);
    let slot = |k: u32| ((k as usize) < BPF_MEMWORDS).then_some(2 + k as usize);
    let loaded = match size(c) {
        BPF_B => Range::upto(0xff),
        BPF_H => Range::upto(0xffff),
        _ => FULL,
    };
    match class(c) {
        BPF_LD | BPF_LDX => {
            let reg = if class(c) == BPF_LD { A } else { X };
            r[reg] = match mode(c) {
                BPF_IMM => Range::exactly(k),
                BPF_ABS | BPF_IND => loaded,
                BPF_MSH => Range::upto(60),
                BPF_MEM => slot(k).map_or(FULL, |s| r[s]),
                _ => FULL,
            };
        }
        BPF_ST | BPF_STX => {
            let from = if class(c) == BPF_ST { r[A] } else { r[X] };
            match slot(k) {
                Some(s) => r[s] = from,
                None => *r = [FULL; NREGS],
            }
        }
        BPF_ALU => {
            let b = if src(c) == BPF_X {
                r[X]
            } else {
                Range::exactly(k)
            };
            r[A] = alu(op(c), r[A], b);
        }
        BPF_MISC if miscop(c) == BPF_TAX => r[X] = r[A],
        BPF_MISC if miscop(c) == BPF_TXA => r[A] = r[X],
        // A jump among a block's statements changes no register (see `Ranges::compute`).
        BPF_JMP => {}
        _ => *r = [FULL; NREGS],
    }
}

/// The range of `a <op> b`.
fn alu(op: u16, a: Range, b: Range) -> Range {
    // All ones up to the highest bit set in `v`.
    let spread = |v: u32| match v {
        0 => 0,
        v => u32::MAX >> v.leading_zeros(),
    };
    let r = match op {
        BPF_ADD => a.hi.checked_add(b.hi).map(|hi| Range {
            lo: a.lo + b.lo,
            hi,
        }),
        BPF_SUB if a.lo >= b.hi => Some(Range {
            lo: a.lo - b.hi,
            hi: a.hi - b.lo,
        }),
        BPF_MUL => a.hi.checked_mul(b.hi).map(|hi| Range {
            lo: a.lo * b.lo,
            hi,
        }),
        BPF_DIV if b.lo > 0 => Some(Range {
            lo: a.lo / b.hi,
            hi: a.hi / b.lo,
        }),
        BPF_MOD if b.hi > 0 => Some(Range::upto(a.hi.min(b.hi - 1))),
        BPF_AND => Some(Range::upto(a.hi.min(b.hi))),
        BPF_OR => Some(Range {
            lo: a.lo.max(b.lo),
            hi: spread(a.hi | b.hi),
        }),
        BPF_XOR => Some(Range::upto(spread(a.hi | b.hi))),
        BPF_LSH if b.hi < 32 && a.hi.leading_zeros() >= b.hi => Some(Range {
            lo: a.lo << b.lo,
            hi: a.hi << b.hi,
        }),
        BPF_RSH if b.hi < 32 => Some(Range {
            lo: a.lo >> b.hi,
            hi: a.hi >> b.lo,
        }),
        BPF_RSH => Some(Range::upto(a.hi)),
        _ => None,
    };
    r.unwrap_or(FULL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(prog: &[Insn]) -> Regs {
        let mut r = [FULL; NREGS];
        for i in prog {
            step(&mut r, i);
        }
        r
    }

    #[test]
    fn a_variable_header_length_is_bounded() {
        // ((ldb [0] + 3) & ~3) + 4 * (ldb [x] & 0xf)
        let r = run(&[
            Insn::stmt(BPF_LD | BPF_B | BPF_ABS, 0),
            Insn::stmt(BPF_ALU | BPF_ADD | BPF_K, 3),
            Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff_fffc),
            Insn::stmt(BPF_ST, 1),
            Insn::stmt(BPF_LDX | BPF_MEM, 1),
            Insn::stmt(BPF_LD | BPF_B | BPF_IND, 0),
            Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf),
            Insn::stmt(BPF_ALU | BPF_LSH | BPF_K, 2),
            Insn::stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
            Insn::stmt(BPF_MISC | BPF_TAX, 0),
        ]);
        assert_eq!(
            r[1],
            Range {
                lo: 0,
                hi: 258 + 60
            }
        );
    }

    #[test]
    fn operations_that_may_wrap_give_the_full_range() {
        let r = run(&[
            Insn::stmt(BPF_LD | BPF_W | BPF_ABS, 0),
            Insn::stmt(BPF_ALU | BPF_ADD | BPF_K, 1),
        ]);
        assert_eq!(r[0], FULL);
        let r = run(&[
            Insn::stmt(BPF_LD | BPF_H | BPF_ABS, 0),
            Insn::stmt(BPF_ALU | BPF_LSH | BPF_K, 17),
        ]);
        assert_eq!(r[0], FULL);
        let r = run(&[
            Insn::stmt(BPF_LD | BPF_H | BPF_ABS, 0),
            Insn::stmt(BPF_ALU | BPF_SUB | BPF_K, 1),
        ]);
        assert_eq!(r[0], FULL);
    }
}
