//! Block-level clean-up: bypassing empty blocks, merging a block into its only
//! predecessor, sharing identical blocks, and renumbering.
//!
//! Input: a graph whose block indices are a topological order, and its entry. Output: an
//! equivalent graph, renumbered so that only blocks reachable from the entry remain, the
//! entry is block 0 and indices are still a topological order. Invariant: each rewrite
//! replaces a block by one that executes the same statements and reaches the same
//! successors, so every packet takes the same instructions minus empty jumps:
//! - a block without statements whose branches agree is replaced by its successor;
//! - a block whose both branches reject is replaced by the rejection: its statements can
//!   only end the program with 0 too (a load past the capture, a division by zero), so
//!   every packet entering it is rejected either way;
//! - a block whose branches agree, followed by a block that has no other predecessor,
//!   absorbs that block;
//! - blocks with the same statements, test and successors become one (the later one, so
//!   edges keep pointing forward).
//!
//! Each step is one sweep with hashing: O(instructions).

use std::hash::{Hash, Hasher};

use super::{FastHasher, FastMap};
use crate::filter::cfg::{Graph, Target};

/// Runs every clean-up; returns the new entry.
pub fn run(g: &mut Graph, mut entry: usize) -> usize {
    bypass_empty(g, entry);
    if is_empty_pass(g, entry) {
        if let Target::Block(x) = g.blocks[entry].jt {
            entry = x;
        }
    }
    let present = absorb_single_successors(g, entry);
    share_identical(g, entry, &present);
    renumber(g, entry).unwrap_or(entry)
}

fn is_empty_pass(g: &Graph, b: usize) -> bool {
    let blk = &g.blocks[b];
    blk.stmts.is_empty() && blk.jt == blk.jf
}

/// Points every edge past empty blocks whose branches agree, and straight to the rejection
/// past blocks that reject on both branches.
fn bypass_empty(g: &mut Graph, entry: usize) {
    let n = g.blocks.len();
    // resolved[b]: where a jump to b ends up.
    let mut resolved: Vec<Target> = (0..n).map(Target::Block).collect();
    for b in (entry..n).rev() {
        let blk = &g.blocks[b];
        let r = |t: Target| match t {
            Target::Block(x) => resolved[x],
            other => other,
        };
        let (jt, jf) = (r(blk.jt), r(blk.jf));
        let blk = &mut g.blocks[b];
        blk.jt = jt;
        blk.jf = jf;
        if b != entry && (is_empty_pass(g, b) || (jt == Target::Reject && jf == Target::Reject)) {
            resolved[b] = jt;
        }
    }
}

/// Predecessor counts of the blocks reachable from `entry` (unreachable blocks: 0) and
/// which blocks are reachable.
pub fn pred_counts(g: &Graph, entry: usize) -> (Vec<u32>, Vec<bool>) {
    let n = g.blocks.len();
    let mut reach = vec![false; n];
    let mut preds = vec![0u32; n];
    reach[entry] = true;
    for b in entry..n {
        if !reach[b] {
            continue;
        }
        let blk = &g.blocks[b];
        let succ: &[Target] = if blk.jt == blk.jf {
            &[blk.jt][..]
        } else {
            &[blk.jt, blk.jf][..]
        };
        for t in succ {
            if let Target::Block(x) = *t {
                reach[x] = true;
                preds[x] += 1;
            }
        }
    }
    (preds, reach)
}

/// A block whose branches agree takes over its successor when it is that block's only
/// predecessor. Returns which blocks are still reachable from `entry`.
fn absorb_single_successors(g: &mut Graph, entry: usize) -> Vec<bool> {
    let (preds, mut reach) = pred_counts(g, entry);
    let n = g.blocks.len();
    for b in entry..n {
        // Only a reachable block is the one predecessor that `preds` counted.
        if !reach[b] {
            continue;
        }
        loop {
            let blk = &g.blocks[b];
            let Target::Block(c) = blk.jt else {
                break;
            };
            if blk.jf != blk.jt || preds[c] != 1 {
                break;
            }
            let next = std::mem::take(&mut g.blocks[c].stmts);
            let (code, k, jt, jf) = {
                let s = &g.blocks[c];
                (s.code, s.k, s.jt, s.jf)
            };
            let blk = &mut g.blocks[b];
            blk.stmts.extend(next);
            blk.code = code;
            blk.k = k;
            blk.jt = jt;
            blk.jf = jf;
            reach[c] = false;
        }
    }
    reach
}

/// Merges blocks with equal statements, test and successors into the last of them; only
/// `present` blocks take part.
fn share_identical(g: &mut Graph, entry: usize, present: &[bool]) {
    const END: u32 = u32::MAX;
    let n = g.blocks.len();
    let mut repl: Vec<usize> = (0..n).collect();
    // Fingerprint -> the last block seen with it; `same_key[b]`: the next one (compared in
    // full before sharing).
    let mut seen: FastMap<u64, u32> = FastMap::default();
    let mut same_key = vec![END; n];
    for b in (entry..n).rev() {
        if !present[b] {
            continue;
        }
        let r = |t: Target| match t {
            Target::Block(x) => Target::Block(repl[x]),
            other => other,
        };
        let blk = &g.blocks[b];
        let (jt, jf) = (r(blk.jt), r(blk.jf));
        let (code, k) = if jt == jf { (0, 0) } else { (blk.code, blk.k) };
        let blk = &mut g.blocks[b];
        blk.jt = jt;
        blk.jf = jf;
        let mut h = FastHasher::default();
        (&blk.stmts, code, k, target_key(jt), target_key(jf)).hash(&mut h);
        let key = h.finish();
        let same = |o: &usize| {
            let ob = &g.blocks[*o];
            let (oc, ok) = if ob.jt == ob.jf {
                (0, 0)
            } else {
                (ob.code, ob.k)
            };
            ob.stmts == g.blocks[b].stmts && oc == code && ok == k && ob.jt == jt && ob.jf == jf
        };
        let head = seen.get(&key).copied().unwrap_or(END);
        let mut o = head;
        while o != END && !same(&(o as usize)) {
            o = same_key[o as usize];
        }
        if o != END && b != entry {
            repl[b] = o as usize;
        } else {
            same_key[b] = head;
            seen.insert(key, b as u32);
        }
    }
}

fn target_key(t: Target) -> u64 {
    match t {
        Target::Block(x) => x as u64,
        Target::Accept => u64::MAX,
        Target::Reject | Target::Open => u64::MAX - 1,
    }
}

/// Keeps the blocks reachable from `entry` in a topological order, entry first; None when
/// the graph has a cycle (the generator never makes one; such a graph is left alone).
pub fn renumber(g: &mut Graph, entry: usize) -> Option<usize> {
    let order = topological(g, entry)?;
    let mut new_index = vec![usize::MAX; g.blocks.len()];
    for (i, &b) in order.iter().enumerate() {
        new_index[b] = i;
    }
    let map = |t: Target| match t {
        Target::Block(x) => Target::Block(new_index[x]),
        other => other,
    };
    let mut old = std::mem::take(&mut g.blocks);
    g.blocks = order
        .iter()
        .map(|&b| {
            let mut blk = std::mem::replace(
                &mut old[b],
                crate::filter::cfg::Block {
                    stmts: Vec::new(),
                    code: 0,
                    k: 0,
                    jt: Target::Reject,
                    jf: Target::Reject,
                },
            );
            blk.jt = map(blk.jt);
            blk.jf = map(blk.jf);
            blk
        })
        .collect();
    Some(0)
}

/// Reachable blocks, in index order when that is topological, else in reverse postorder;
/// None when there is a cycle.
fn topological(g: &Graph, entry: usize) -> Option<Vec<usize>> {
    let n = g.blocks.len();
    let succ = |b: usize| {
        let blk = &g.blocks[b];
        [blk.jt, blk.jf]
    };
    let mut seen = vec![false; n];
    let mut stack = vec![entry];
    seen[entry] = true;
    let mut forward = true;
    while let Some(b) = stack.pop() {
        for t in succ(b) {
            if let Target::Block(x) = t {
                if x <= b {
                    forward = false;
                }
                if !seen[x] {
                    seen[x] = true;
                    stack.push(x);
                }
            }
        }
    }
    if forward {
        return Some((0..n).filter(|&b| seen[b]).collect());
    }
    // Iterative depth-first search; state 1 = on the stack, 2 = finished.
    let mut state = vec![0u8; n];
    let mut post = Vec::new();
    let mut stack = vec![(entry, 0usize)];
    state[entry] = 1;
    while let Some((b, i)) = stack.pop() {
        let s = succ(b);
        if i < 2 {
            stack.push((b, i + 1));
            if let Target::Block(x) = s[i] {
                match state[x] {
                    0 => {
                        state[x] = 1;
                        stack.push((x, 0));
                    }
                    1 => return None,
                    _ => {}
                }
            }
        } else {
            state[b] = 2;
            post.push(b);
        }
    }
    post.reverse();
    Some(post)
}
