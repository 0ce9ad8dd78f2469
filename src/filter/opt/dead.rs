//! Liveness of A, X and the scratch words, and dead-statement elimination.
//!
//! Input: a graph whose block indices are a topological order, and for each block the
//! forward pass's per-statement flags "cannot reject on any path reaching it" (missing
//! flags mean "may reject"). Output: the same graph without the statements whose result is
//! never read and that cannot reject the packet. Invariant: a statement that may reject
//! (a load that may fall outside the capture, a division by a value that may be zero)
//! is never removed, so verdicts on truncated packets are kept. A block whose two
//! branches go to the same place does not read A or X for its test (the emitter lays it
//! out without the test). One backward sweep: O(instructions).

use super::forward::Safety;
use super::vn::NREGS;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Graph, Target};

/// Register sets as bit masks: bit 0 is A, bit 1 is X, bit 2 + k is M[k].
pub const A: u32 = 1;
pub const X: u32 = 2;
pub const ALL: u32 = (1 << NREGS) - 1;

fn mem(k: u32) -> u32 {
    if (k as usize) < BPF_MEMWORDS {
        4 << k
    } else {
        0
    }
}

/// (registers read, registers written) by a statement; unknown opcodes read everything and
/// write nothing, so they are never removed and keep everything before them alive.
pub fn uses_defs(insn: &Insn) -> (u32, u32) {
    let c = insn.code;
    match class(c) {
        BPF_LD => match mode(c) {
            BPF_IND => (X, A),
            BPF_MEM => (mem(insn.k), A),
            _ => (0, A),
        },
        BPF_LDX => match mode(c) {
            BPF_MEM => (mem(insn.k), X),
            _ => (0, X),
        },
        BPF_ST => (A, mem(insn.k)),
        BPF_STX => (X, mem(insn.k)),
        BPF_ALU if op(c) == BPF_NEG => (A, A),
        BPF_ALU if src(c) == BPF_X => (A | X, A),
        BPF_ALU => (A, A),
        BPF_MISC if miscop(c) == BPF_TAX => (A, X),
        BPF_MISC if miscop(c) == BPF_TXA => (X, A),
        _ => (ALL, 0),
    }
}

/// What a jump among a block's statements reads (libpcap's tag-identifier block after
/// `vlan` on a live handle has some): its operands, and, as it may skip what follows it in
/// the block, whatever a later statement of the block writes keeps its earlier value live.
/// `later_defs`: the registers written after it in the block.
fn skipping_jump_uses(insn: &Insn, later_defs: u32) -> u32 {
    let operands = if src(insn.code) == BPF_X { A | X } else { A };
    operands | later_defs
}

/// Whether a block's statements include a jump (their offsets count the statements between).
pub fn has_statement_jumps(stmts: &[Insn]) -> bool {
    stmts.iter().any(|i| class(i.code) == BPF_JMP)
}

/// (reads, writes) of the statement at its place in a block, given what the statements after
/// it write.
fn stmt_uses_defs(insn: &Insn, later_defs: u32) -> (u32, u32) {
    if class(insn.code) == BPF_JMP {
        (skipping_jump_uses(insn, later_defs), 0)
    } else {
        uses_defs(insn)
    }
}

/// Whether a statement can never reject a packet, whatever the path.
pub fn never_rejects(insn: &Insn) -> bool {
    let c = insn.code;
    match class(c) {
        BPF_LD | BPF_LDX => match mode(c) {
            BPF_IMM | BPF_LEN => true,
            BPF_MEM => (insn.k as usize) < BPF_MEMWORDS,
            _ => false,
        },
        BPF_ST | BPF_STX => (insn.k as usize) < BPF_MEMWORDS,
        BPF_ALU => match op(c) {
            BPF_DIV | BPF_MOD => src(c) == BPF_K && insn.k != 0,
            BPF_ADD | BPF_SUB | BPF_MUL | BPF_OR | BPF_AND | BPF_LSH | BPF_RSH | BPF_NEG
            | BPF_XOR => true,
            _ => false,
        },
        BPF_MISC => matches!(miscop(c), BPF_TAX | BPF_TXA),
        _ => false,
    }
}

/// What the block's final jump reads.
fn test_uses(g: &Graph, b: usize) -> u32 {
    let blk = &g.blocks[b];
    if blk.jt == blk.jf {
        0
    } else if src(blk.code) == BPF_X {
        A | X
    } else {
        A
    }
}

fn live_at(live: &[u32], t: Target) -> u32 {
    match t {
        Target::Block(x) => live[x],
        _ => 0,
    }
}

/// Registers live on entry to each block (edges must point to higher indices).
pub fn live_in(g: &Graph) -> Vec<u32> {
    let mut live = vec![0u32; g.blocks.len()];
    for b in (0..g.blocks.len()).rev() {
        let blk = &g.blocks[b];
        let mut l = live_at(&live, blk.jt) | live_at(&live, blk.jf) | test_uses(g, b);
        let mut later_defs = 0;
        for insn in blk.stmts.iter().rev() {
            let (u, d) = stmt_uses_defs(insn, later_defs);
            l = (l & !d) | u;
            later_defs |= d;
        }
        live[b] = l;
    }
    live
}

/// The capture length below which a kept load surely rejects: `k + size` for a load at
/// `k` or at `X + k` (X is unsigned, and an overflowing `X + k` rejects too).
fn demands(insn: &Insn) -> u32 {
    let c = insn.code;
    let width = match size(c) {
        BPF_W => 4u32,
        BPF_H => 2,
        _ => 1,
    };
    match (class(c), mode(c)) {
        // Linux's ancillary data demands no packet bytes.
        (BPF_LD, BPF_ABS) if insn.k >= SKF_AD_OFF => 0,
        (BPF_LD, BPF_ABS) | (BPF_LD, BPF_IND) => insn.k.saturating_add(width),
        (BPF_LDX, BPF_MSH) => insn.k.saturating_add(1),
        _ => 0,
    }
}

/// Removes dead statements that cannot reject; `safe[b][i]` says statement i of block b
/// cannot reject on any path reaching it.
///
/// A dead fixed-offset load that may reject is removed too when every path after it meets,
/// before any return, a kept load that surely rejects whenever it would ("anticipated
/// demand"): the packet is then rejected either way.
pub fn run(g: &mut Graph, safe: &Safety) {
    let n = g.blocks.len();
    let mut live = vec![0u32; n];
    // ant[b]: every path from b's entry executes a kept load demanding at least this length
    // before it returns.
    let mut ant = vec![0u32; n];
    let ant_at = |ant: &[u32], t: Target| match t {
        Target::Block(x) => ant[x],
        _ => 0,
    };
    let mut keep: Vec<bool> = Vec::new();
    for b in (0..n).rev() {
        let mut l =
            live_at(&live, g.blocks[b].jt) | live_at(&live, g.blocks[b].jf) | test_uses(g, b);
        let mut need = ant_at(&ant, g.blocks[b].jt).min(ant_at(&ant, g.blocks[b].jf));
        let blk = &mut g.blocks[b];
        keep.clear();
        keep.resize(blk.stmts.len(), true);
        // Removing a statement would move the targets of the jumps among them.
        let fixed_layout = has_statement_jumps(&blk.stmts);
        let mut later_defs = 0;
        for (i, insn) in blk.stmts.iter().enumerate().rev() {
            let (u, d) = stmt_uses_defs(insn, later_defs);
            later_defs |= d;
            let fixed = matches!(
                (class(insn.code), mode(insn.code)),
                (BPF_LD, BPF_ABS) | (BPF_LDX, BPF_MSH)
            );
            let removable =
                never_rejects(insn) || safe.get(b, i) || (fixed && demands(insn) <= need);
            if d != 0 && d & l == 0 && removable && !fixed_layout {
                keep[i] = false;
                continue;
            }
            l = (l & !d) | u;
            need = need.max(demands(insn));
        }
        ant[b] = need;
        if keep.contains(&false) {
            let mut i = 0;
            blk.stmts.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        live[b] = l;
    }
}
