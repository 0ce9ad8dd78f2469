//! The emitter: graph -> instructions with jump offsets.
//!
//! Blocks are laid out in creation order when every edge points forward in it (otherwise in
//! reverse postorder), followed by the two returns (each only when some jump reaches it). A conditional jump reaches at most 255 instructions ahead; a farther target
//! gets an unconditional `ja` right after the jump, and the layout is recomputed until every
//! offset fits (offsets only grow, so this terminates).

use super::cfg::{Graph, Target};
use crate::bpf::insn::*;
use crate::bpf::Insn;

/// Lays out `g` starting at block `entry`; `accept` is the value returned for a match.
///
/// A block whose two branches go to the same place (the optimizer makes those) gets no
/// conditional jump: it falls through to its successor when that comes next, returns
/// directly when its successor is a return, and otherwise ends in `ja`. A final return
/// that no jump reaches is left out.
pub fn emit(g: &Graph, entry: usize, accept: u32) -> Vec<Insn> {
    let order = reachable_in_order(g, entry);
    let n = g.blocks.len();
    // next[b]: the block laid out right after b.
    let mut next = vec![None; n];
    for w in order.windows(2) {
        next[w[0]] = Some(w[1]);
    }
    // How an unconditional block ends: nothing, a return, or a ja.
    let tail_len = |b: usize| -> usize {
        let blk = &g.blocks[b];
        match blk.jt {
            Target::Block(x) if next[b] == Some(x) => 0,
            _ => 1,
        }
    };
    let cond = |b: usize| g.blocks[b].jt != g.blocks[b].jf;
    let used = |t: Target| {
        order
            .iter()
            .any(|&b| cond(b) && (g.blocks[b].jt == t || g.blocks[b].jf == t))
    };
    let accept_used = used(Target::Accept);
    let reject_used = used(Target::Reject) || used(Target::Open);
    // far[b] = (true branch needs a ja, false branch needs a ja)
    let mut far = vec![(false, false); n];
    loop {
        let mut start = vec![0usize; n];
        let mut pc = 0usize;
        for &b in &order {
            start[b] = pc;
            let blk = &g.blocks[b];
            pc += blk.stmts.len()
                + if cond(b) {
                    1 + far[b].0 as usize + far[b].1 as usize
                } else {
                    tail_len(b)
                };
        }
        let accept_pc = pc;
        let reject_pc = pc + accept_used as usize;
        let target_pc = |t: Target| match t {
            Target::Block(x) => start[x],
            Target::Accept => accept_pc,
            Target::Reject | Target::Open => reject_pc,
        };
        let mut changed = false;
        for &b in order.iter().filter(|&&b| cond(b)) {
            let blk = &g.blocks[b];
            let jump_pc = start[b] + blk.stmts.len();
            let after = jump_pc + 1;
            let t_off = target_pc(blk.jt) - after;
            let f_off = target_pc(blk.jf) - after;
            if t_off > 255 && !far[b].0 {
                far[b].0 = true;
                changed = true;
            }
            if f_off > 255 && !far[b].1 {
                far[b].1 = true;
                changed = true;
            }
        }
        if changed {
            continue;
        }
        let mut out = Vec::with_capacity(pc + 2);
        for &b in &order {
            let blk = &g.blocks[b];
            out.extend_from_slice(&blk.stmts);
            if !cond(b) {
                match blk.jt {
                    Target::Block(x) if next[b] == Some(x) => {}
                    Target::Block(x) => {
                        let here = out.len() + 1;
                        out.push(Insn::stmt(BPF_JMP | BPF_JA, (start[x] - here) as u32));
                    }
                    Target::Accept => out.push(Insn::stmt(BPF_RET | BPF_K, accept)),
                    Target::Reject | Target::Open => out.push(Insn::stmt(BPF_RET | BPF_K, 0)),
                }
                continue;
            }
            let after = out.len() + 1;
            let t_pc = target_pc(blk.jt);
            let f_pc = target_pc(blk.jf);
            let (jt, jf);
            let mut trampolines = Vec::new();
            if far[b].0 {
                jt = 0;
                trampolines.push(t_pc);
            } else {
                jt = t_pc - after;
            }
            if far[b].1 {
                jf = trampolines.len();
                trampolines.push(f_pc);
            } else {
                jf = f_pc - after;
            }
            out.push(Insn::jump(blk.code, blk.k, jt as u8, jf as u8));
            for t in trampolines {
                let here = out.len() + 1;
                out.push(Insn::stmt(BPF_JMP | BPF_JA, (t - here) as u32));
            }
        }
        if accept_used {
            out.push(Insn::stmt(BPF_RET | BPF_K, accept));
        }
        if reject_used {
            out.push(Insn::stmt(BPF_RET | BPF_K, 0));
        }
        return out;
    }
}

/// Blocks reachable from `entry`, in creation order (a topological order of the graph).
fn reachable_in_order(g: &Graph, entry: usize) -> Vec<usize> {
    let mut seen = vec![false; g.blocks.len()];
    let mut stack = vec![entry];
    while let Some(b) = stack.pop() {
        if seen[b] {
            continue;
        }
        seen[b] = true;
        for t in [g.blocks[b].jt, g.blocks[b].jf] {
            if let Target::Block(x) = t {
                stack.push(x);
            }
        }
    }
    let order: Vec<usize> = (0..g.blocks.len()).filter(|&b| seen[b]).collect();
    let forward = order.iter().all(|&b| {
        [g.blocks[b].jt, g.blocks[b].jf]
            .iter()
            .all(|t| !matches!(t, Target::Block(x) if *x <= b))
    });
    if forward {
        return order;
    }
    reverse_postorder(g, entry)
}

/// A topological order for graphs whose blocks were not created in order.
fn reverse_postorder(g: &Graph, entry: usize) -> Vec<usize> {
    let mut seen = vec![false; g.blocks.len()];
    let mut post = Vec::new();
    // (block, next successor index to visit)
    let mut stack = vec![(entry, 0u8)];
    seen[entry] = true;
    while let Some((b, i)) = stack.pop() {
        let succ = [g.blocks[b].jt, g.blocks[b].jf];
        if (i as usize) < succ.len() {
            stack.push((b, i + 1));
            if let Target::Block(x) = succ[i as usize] {
                if !seen[x] {
                    seen[x] = true;
                    stack.push((x, 0));
                }
            }
        } else {
            post.push(b);
        }
    }
    post.reverse();
    post
}
