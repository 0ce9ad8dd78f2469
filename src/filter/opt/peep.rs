//! Peephole folding of the transport-header index computation.
//!
//! Input: a graph whose block indices are a topological order. Output: the same graph where,
//! inside one block, the sequence
//! `ldx 4*([n]&0xf) ... ld #c ... add x; tax; ld{b,h,} [x + k]` (the generator's way of
//! reading `proto[c]` behind a variable-length IPv4 header) becomes
//! `ldx 4*([n]&0xf) ... ld #c ... ld{b,h,} [x + (c + k)]`, when X is not read afterwards.
//! Invariant: X is at most 60 after `ldx 4*(..)`, so `X + c + k` equals `(X + c) + k`
//! and overflows exactly when it did, and the load reads the same bytes: the verdict of
//! every packet is kept. The now unused `ld #c` is left to [`super::dead`]. One sweep.

use super::dead::{self, uses_defs, X};
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Graph, Target};

/// Folds every occurrence; returns how many.
pub fn run(g: &mut Graph) -> usize {
    let live = dead::live_in(g);
    let at = |t: Target| match t {
        Target::Block(x) => live[x],
        _ => 0,
    };
    let mut folded = 0;
    let mut after: Vec<u32> = Vec::new();
    let mut out: Vec<Insn> = Vec::new();
    for b in 0..g.blocks.len() {
        let blk = &g.blocks[b];
        let test = if blk.jt == blk.jf {
            0
        } else if src(blk.code) == BPF_X {
            dead::A | X
        } else {
            dead::A
        };
        // Only a block with `add x; tax; ld [x + k]` can change.
        if blk.stmts.len() < 3 || !blk.stmts.iter().any(|i| i.code == BPF_MISC | BPF_TAX) {
            continue;
        }
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
                if let Some(insn) = fold(&out, &stmts[i..i + 3]) {
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

/// `add x; tax; ld [x + k]` after `prev`, as one load, when it qualifies.
fn fold(prev: &[Insn], three: &[Insn]) -> Option<Insn> {
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
    let x_def = prev.iter().rev().find(|s| uses_defs(s).1 & X != 0)?;
    if a_def.code != BPF_LD | BPF_IMM || x_def.code != BPF_LDX | BPF_B | BPF_MSH {
        return None;
    }
    let k = a_def.k.checked_add(load.k)?;
    k.checked_add(60)?;
    Some(Insn::stmt(load.code, k))
}
