//! Grouping the tests of an `or` chain by the value they test.
//!
//! Input: a graph in topological order, right after [`super::forward`], with its flags
//! "statement cannot reject". A chain is a run of blocks `b0 -> b1 -> ... -> bn` linked by
//! their false branches, each block after `b0` having only its chain predecessor, every
//! block a "simple test" (`ld [k]` or `ld [x + k]`, optionally `and #m`, then a constant
//! comparison) sending its true branch to the same target T; the chain leaves to F from
//! `bn`'s false branch. No block of a chain writes X, so equal statements load equal values
//! wherever they stand in it.
//! Output: the same chain with its tests reordered so that equal loads are adjacent and each
//! is loaded once: `ld [26]; jeq h1; jeq h2 ...; ld [30]; jeq h1; jeq h2 ...` instead of
//! alternating reloads (a `host` list).
//!
//! Invariant: the chain computes "some test holds" -> T, else F. Reordering the tests keeps
//! that, and keeps the verdict of truncated packets because every load after `b0` cannot
//! reject (a load on every path before it covered its bytes) and `b0` stays first; T and F
//! must not read A (whose last value changes). One sweep: O(blocks).

use std::collections::HashMap;

use super::dead;
use super::forward::Safety;
use super::merge;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Graph, Target};

/// A group: the statements loading the value, and its tests (jump opcode, constant).
type Group = (Vec<Insn>, Vec<(u16, u32)>);

/// The statements of a simple test: one fixed-offset load, optionally masked.
fn simple(g: &Graph, b: usize) -> Option<&[Insn]> {
    let blk = &g.blocks[b];
    let s = &blk.stmts[..];
    let load_ok = |i: &Insn| class(i.code) == BPF_LD && matches!(mode(i.code), BPF_ABS | BPF_IND);
    let ok = match s {
        [l] => load_ok(l),
        [l, m] => load_ok(l) && m.code == BPF_ALU | BPF_AND | BPF_K,
        _ => false,
    };
    (ok && blk.jt != blk.jf && src(blk.code) == BPF_K).then_some(s)
}

/// Regroups every chain; `safe` are the forward pass's flags. Returns the chains changed.
pub fn run(g: &mut Graph, entry: usize, safe: &mut Safety) -> usize {
    let n = g.blocks.len();
    // Only reachable blocks count: the forward pass's threading leaves blocks behind that
    // no edge from the entry reaches any more.
    let (preds, reach) = merge::pred_counts(g, entry);
    // Liveness, computed when a chain first needs it (regrouping a chain changes no
    // block's live registers: its blocks load A before reading it).
    let mut live: Option<Vec<u32>> = None;
    let all_safe = |g: &Graph, safe: &Safety, b: usize| safe.all(b, g.blocks[b].stmts.len());
    let mut in_chain = vec![false; n];
    let mut changed = 0;
    for b0 in entry..n {
        if in_chain[b0] || !reach[b0] || simple(g, b0).is_none() {
            continue;
        }
        let t = g.blocks[b0].jt;
        let mut chain = vec![b0];
        let mut cur = b0;
        while let Target::Block(next) = g.blocks[cur].jf {
            if preds[next] != 1
                || simple(g, next).is_none()
                || g.blocks[next].jt != t
                || !all_safe(g, safe, next)
            {
                break;
            }
            chain.push(next);
            cur = next;
        }
        for &c in &chain {
            in_chain[c] = true;
        }
        let f = g.blocks[cur].jf;
        if chain.len() < 3 {
            continue;
        }
        let live = live.get_or_insert_with(|| dead::live_in(g));
        let live_at = |t: Target| match t {
            Target::Block(x) => live[x],
            _ => 0,
        };
        if (live_at(t) | live_at(f)) & dead::A != 0 {
            continue;
        }
        // Tests grouped by their statements, groups in order of first appearance.
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<Vec<Insn>, usize> = HashMap::new();
        for &c in &chain {
            let blk = &g.blocks[c];
            let key = blk.stmts.clone();
            let gi = *index.entry(key.clone()).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[gi].1.push((blk.code, blk.k));
        }
        if groups.len() == chain.len() {
            continue;
        }
        let mut slots = chain.iter().copied();
        let mut laid = Vec::with_capacity(chain.len());
        for (stmts, tests) in groups {
            for (i, (code, k)) in tests.into_iter().enumerate() {
                let c = slots.next().expect("one slot per test");
                let blk = &mut g.blocks[c];
                blk.stmts = if i == 0 { stmts.clone() } else { Vec::new() };
                // Past b0 every load is covered by what b0 and the paths before it loaded.
                if c != chain[0] {
                    safe.set_all(c);
                }
                blk.code = code;
                blk.k = k;
                blk.jt = t;
                laid.push(c);
            }
        }
        for w in laid.windows(2) {
            g.blocks[w[0]].jf = Target::Block(w[1]);
        }
        let last = *laid.last().expect("non-empty chain");
        g.blocks[last].jf = f;
        changed += 1;
    }
    changed
}
