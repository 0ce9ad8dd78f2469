//! Peephole folding of the transport-header index computation.
//!
//! Input: a graph whose block indices are a topological order, and its entry. Output: the
//! same graph where, inside one block, the sequence
//! `ld #c ... add x; tax; ld{b,h,} [x + k]` (the generator's way of reading `proto[c]`
//! behind a variable-length header) becomes `ld #c ... ld{b,h,} [x + (c + k)]`, when X is
//! not read afterwards and X + c cannot wrap around: X was set by `ldx 4*([n]&0xf)` (at
//! most 60), or the interval analysis of [`super::range`] bounds it (a radiotap or PPI
//! header length plus an IP header length; run only when some block needs it).
//! Invariant: `X + c` equals the exact sum, so `(X + c) + k` and `X + (c + k)` are the
//! same offset, the load reads the same bytes and rejects exactly when it did: the verdict
//! of every packet is kept. The now unused `ld #c` is left to [`super::dead`]. One sweep.

use super::dead::{self, uses_defs, X};
use super::range::{self, Ranges};
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Graph, Target};

/// Folds every occurrence; returns how many.
pub fn run(g: &mut Graph, entry: usize) -> usize {
    // Liveness, computed when a block first needs it (folds only change what earlier
    // blocks see live).
    let mut live: Option<Vec<u32>> = None;
    let mut folded = 0;
    let mut after: Vec<u32> = Vec::new();
    let mut out: Vec<Insn> = Vec::new();
    let mut ranges: Option<Ranges> = None;
    for b in 0..g.blocks.len() {
        let blk = &g.blocks[b];
        let test = if blk.jt == blk.jf {
            0
        } else if src(blk.code) == BPF_X {
            dead::A | X
        } else {
            dead::A
        };
        // Only a block with `add x; tax; ld [x + k]` can change (and none whose statements
        // include jumps, which count the statements they skip).
        if blk.stmts.len() < 3
            || !blk.stmts.iter().any(|i| i.code == BPF_MISC | BPF_TAX)
            || dead::has_statement_jumps(&blk.stmts)
        {
            continue;
        }
        let live = live.get_or_insert_with(|| dead::live_in(g));
        let at = |t: Target| match t {
            Target::Block(x) => live[x],
            _ => 0,
        };
        after.clear();
        after.resize(blk.stmts.len(), 0);
        let mut l = at(blk.jt) | at(blk.jf) | test;
        for (i, insn) in blk.stmts.iter().enumerate().rev() {
            after[i] = l;
            let (u, d) = uses_defs(insn);
            l = (l & !d) | u;
        }
        let stmts = &blk.stmts;
        out.clear();
        let mut i = 0;
        let before = folded;
        while i < stmts.len() {
            if i + 2 < stmts.len() && after[i + 2] & X == 0 {
                // The greatest value X can hold before `add x`.
                let mut x_max = |prev: &[Insn]| {
                    let r = ranges.get_or_insert_with(|| Ranges::compute(g, entry));
                    let mut regs = r.at(b);
                    for insn in prev {
                        range::step(&mut regs, insn);
                    }
                    regs[1].hi
                };
                if let Some(insn) = fold(&out, &stmts[i..i + 3], &mut x_max) {
                    out.push(insn);
                    folded += 1;
                    i += 3;
                    continue;
                }
            }
            out.push(stmts[i]);
            i += 1;
        }
        if folded != before {
            g.blocks[b].stmts.clear();
            g.blocks[b].stmts.extend_from_slice(&out);
        }
    }
    folded
}

/// `add x; tax; ld [x + k]` after `prev`, as one load, when it qualifies; `x_max` bounds X
/// after `prev`.
fn fold(prev: &[Insn], three: &[Insn], x_max: &mut dyn FnMut(&[Insn]) -> u32) -> Option<Insn> {
    let (add, tax, load) = (three[0], three[1], three[2]);
    if add.code != BPF_ALU | BPF_ADD | BPF_X
        || tax.code != BPF_MISC | BPF_TAX
        || class(load.code) != BPF_LD
        || mode(load.code) != BPF_IND
    {
        return None;
    }
    // The last writers of A and X before `add x`.
    let a_def = prev.iter().rev().find(|s| uses_defs(s).1 & dead::A != 0)?;
    if a_def.code != BPF_LD | BPF_IMM {
        return None;
    }
    let c = a_def.k;
    let k = c.checked_add(load.k)?;
    let msh = prev
        .iter()
        .rev()
        .find(|s| uses_defs(s).1 & X != 0)
        .is_some_and(|d| d.code == BPF_LDX | BPF_B | BPF_MSH);
    let bound = if msh { 60 } else { x_max(prev) };
    bound.checked_add(c)?;
    Some(Insn::stmt(load.code, k))
}
