//! Long lists of constants as search trees.
//!
//! Input: the optimized graph (topological order). A list is a run of blocks
//! `b0 -> b1 -> ... -> bn` linked by their false branches, where `b0` may compute A and
//! every later block has no statements and only its list predecessor, and every block tests
//! `A == #c` with its true branch to the same target T; the list leaves to F. Output: for
//! lists of at least [`MIN_LIST`] constants, the same decision as a search tree over the
//! sorted constants (`jge` nodes down to runs of at most [`LEAF`] `jeq`s), so a packet runs
//! about log2(n / LEAF) + LEAF tests instead of up to n; the graph is renumbered.
//!
//! Invariant: the list computes "A is one of the constants" -> T, else F, and only compares
//! A (no loads, no writes), so the tree computes the same with the same registers on exit.
//! Cost: O(n log n) for the sort; the program grows by about n / LEAF instructions (the
//! thresholds keep lists of a few hundred within a few percent of their linear size).

use super::merge;
use crate::bpf::insn::*;
use crate::filter::cfg::{Block, Graph, Target};

/// Lists shorter than this stay linear (they are cheap already).
pub const MIN_LIST: usize = 128;
/// Constants compared linearly at the bottom of the tree.
pub const LEAF: usize = 32;

const JEQ: u16 = BPF_JMP | BPF_JEQ | BPF_K;

/// Rewrites every long list; returns the new entry.
pub fn run(g: &mut Graph, entry: usize) -> usize {
    let n = g.blocks.len();
    let mut preds = vec![0u32; n];
    for blk in &g.blocks {
        for t in [blk.jt, blk.jf] {
            if let Target::Block(x) = t {
                preds[x] += 1;
            }
        }
    }
    let mut built = false;
    let mut taken = vec![false; n];
    for b0 in entry..n {
        let head = &g.blocks[b0];
        if taken[b0] || head.code != JEQ || head.jt == head.jf {
            continue;
        }
        let t = head.jt;
        let mut consts = vec![head.k];
        let mut cur = b0;
        while let Target::Block(next) = g.blocks[cur].jf {
            let blk = &g.blocks[next];
            if preds[next] != 1 || !blk.stmts.is_empty() || blk.code != JEQ || blk.jt != t {
                break;
            }
            taken[next] = true;
            consts.push(blk.k);
            cur = next;
        }
        let f = g.blocks[cur].jf;
        consts.sort_unstable();
        consts.dedup();
        if consts.len() < MIN_LIST {
            continue;
        }
        let root = build(g, &consts, t, f);
        let Target::Block(r) = root else {
            unreachable!("a list of constants builds a block")
        };
        let (code, k, jt, jf) = {
            let rb = &g.blocks[r];
            (rb.code, rb.k, rb.jt, rb.jf)
        };
        let head = &mut g.blocks[b0];
        head.code = code;
        head.k = k;
        head.jt = jt;
        head.jf = jf;
        built = true;
    }
    if built {
        merge::renumber(g, entry).unwrap_or(entry)
    } else {
        entry
    }
}

fn push(g: &mut Graph, code: u16, k: u32, jt: Target, jf: Target) -> Target {
    g.blocks.push(Block {
        stmts: Vec::new(),
        code,
        k,
        jt,
        jf,
    });
    Target::Block(g.blocks.len() - 1)
}

/// A tree deciding "A is in `sorted`" -> t, else f.
fn build(g: &mut Graph, sorted: &[u32], t: Target, f: Target) -> Target {
    if sorted.len() <= LEAF {
        let mut next = f;
        for &c in sorted.iter().rev() {
            next = push(g, JEQ, c, t, next);
        }
        return next;
    }
    let mid = sorted.len() / 2;
    let high = build(g, &sorted[mid..], t, f);
    let low = build(g, &sorted[..mid], t, f);
    push(g, BPF_JMP | BPF_JGE | BPF_K, sorted[mid], high, low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpf::Insn;
    use crate::filter::emit::emit;

    #[test]
    fn a_long_list_becomes_a_tree_with_the_same_verdicts() {
        let mut g = Graph::default();
        let n = 200u32;
        for i in 0..n {
            let stmts = if i == 0 {
                vec![Insn::stmt(BPF_LD | BPF_W | BPF_ABS, 0)]
            } else {
                Vec::new()
            };
            let jf = if i + 1 == n {
                Target::Reject
            } else {
                Target::Block(i as usize + 1)
            };
            g.blocks.push(Block {
                stmts,
                code: JEQ,
                k: (i * 7919) % 1000,
                jt: Target::Accept,
                jf,
            });
        }
        let linear = emit(&g, 0, 1);
        let entry = run(&mut g, 0);
        let tree = emit(&g, entry, 1);
        assert!(tree.iter().any(|i| i.code == BPF_JMP | BPF_JGE | BPF_K));
        for v in 0..1100u32 {
            let pkt = v.to_be_bytes();
            assert_eq!(
                crate::bpf::Program::new(linear.clone()).run(&pkt, 4),
                crate::bpf::Program::new(tree.clone()).run(&pkt, 4),
                "value {v}"
            );
        }
    }
}
