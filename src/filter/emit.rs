//! The emitter: graph -> instructions with jump offsets.
//!
//! Blocks are laid out in creation order when every edge points forward in it (otherwise in
//! reverse postorder), followed by the two returns (each only when some jump reaches it).
//! A conditional jump reaches at most 255 instructions ahead. For a farther target, the
//! compact layout (optimized code) places a *pad* within reach, between two blocks where
//! nothing falls through: a copy of the return, or a `ja` to the block; every later jump
//! to the same target within reach of that pad shares it, so a list of a thousand tests
//! that all accept costs a few pads instead of a thousand `ja`s. Where no pad fits, and in
//! the plain layout (unoptimized code), the far branch gets its own `ja` right after the
//! jump. The layout is recomputed until every offset fits: pads and private `ja`s are only
//! ever added, each at most once per place, so this terminates; after [`PAD_ROUNDS`]
//! rounds only private `ja`s are added.

use super::cfg::{Graph, Target};
use super::opt::FastMap;
use crate::bpf::insn::*;
use crate::bpf::Insn;

/// Lays out `g` starting at block `entry`; `accept` is the value returned for a match.
///
/// A block whose two branches go to the same place (the optimizer makes those) gets no
/// conditional jump: it falls through to its successor when that comes next, returns
/// directly when its successor is a return, and otherwise ends in `ja`. A final return
/// that no jump reaches is left out.
pub fn emit(g: &Graph, entry: usize, accept: u32) -> Vec<Insn> {
    lay_out(g, entry, accept, false)
}

/// Rounds of layout in which pads may still be added.
pub const PAD_ROUNDS: usize = 32;
/// Instructions kept free between a new pad and the edge of its jump's reach, for the pads
/// added in the same round between the two.
const SLACK: usize = 32;

/// Like [`emit`], sharing pads between far jumps to the same target.
pub fn emit_compact(g: &Graph, entry: usize, accept: u32) -> Vec<Insn> {
    lay_out(g, entry, accept, true)
}

/// A hashable name for a jump target.
fn key(t: Target) -> u64 {
    match t {
        Target::Block(x) => x as u64,
        Target::Accept => u64::MAX,
        Target::Reject | Target::Open => u64::MAX - 1,
    }
}

fn lay_out(g: &Graph, entry: usize, accept: u32, compact: bool) -> Vec<Insn> {
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
    let reject_first =
        accept_used && reject_used && first_return_reached(g, entry) == Target::Accept;
    // far[b] = (true branch needs a ja, false branch needs a ja)
    let mut far = vec![(false, false); n];
    // pads[b]: the pads laid out right after block b, in order.
    let mut pads: Vec<Vec<Target>> = vec![Vec::new(); n];
    let mut round = 0;
    loop {
        round += 1;
        let mut start = vec![0usize; n];
        // Where pads sit, per target (in increasing order), and the places a new pad may go:
        // (its position, the block it follows).
        let mut pad_at: FastMap<u64, Vec<usize>> = FastMap::default();
        let mut places: Vec<(usize, usize)> = Vec::new();
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
            if compact && (cond(b) || tail_len(b) == 1) {
                for &t in &pads[b] {
                    pad_at.entry(key(t)).or_default().push(pc);
                    pc += 1;
                }
                places.push((pc, b));
            }
        }
        let (accept_pc, reject_pc) = if reject_first {
            (pc + 1, pc)
        } else {
            (pc, pc + accept_used as usize)
        };
        let target_pc = |t: Target| match t {
            Target::Block(x) => start[x],
            Target::Accept => accept_pc,
            Target::Reject | Target::Open => reject_pc,
        };
        // The pad for `t` within reach of a jump whose next instruction is at `after`.
        let pad_for = |t: Target, after: usize| {
            let at = pad_at.get(&key(t))?;
            let i = at.partition_point(|&p| p < after);
            at.get(i).copied().filter(|&p| p - after <= 255)
        };
        let mut changed = false;
        // The pad added last this round per target (positions before this round's moves).
        let mut added: FastMap<u64, usize> = FastMap::default();
        for &b in order.iter().filter(|&&b| cond(b)) {
            let blk = &g.blocks[b];
            let jump_pc = start[b] + blk.stmts.len();
            let after = jump_pc + 1;
            for (t, is_far) in [(blk.jt, far[b].0), (blk.jf, far[b].1)] {
                if is_far || target_pc(t) - after <= 255 || pad_for(t, after).is_some() {
                    continue;
                }
                if added
                    .get(&key(t))
                    .is_some_and(|&p| p >= after && p - after <= 255 - SLACK / 2)
                {
                    continue;
                }
                // The last place within reach, less some slack for the pads this round adds
                // before it (a place's pads come after the jump's block).
                let last_within = |reach: usize| {
                    let i = places.partition_point(|&(p, _)| p <= after + reach);
                    i.checked_sub(1)
                        .map(|i| places[i])
                        .filter(|&(p, _)| p >= after)
                };
                let place = last_within(255 - SLACK).or_else(|| last_within(255));
                match place {
                    Some((p, at)) if round <= PAD_ROUNDS => {
                        pads[at].push(t);
                        added.insert(key(t), p);
                    }
                    _ if t == blk.jt => far[b].0 = true,
                    _ => far[b].1 = true,
                }
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
                if compact {
                    emit_pads(&mut out, &pads[b], &target_pc, accept);
                }
                continue;
            }
            let after = out.len() + 1;
            let t_pc = target_pc(blk.jt);
            let f_pc = target_pc(blk.jf);
            let (jt, jf);
            let mut trampolines = Vec::new();
            let reach = |t: Target, t_pc: usize| {
                if t_pc - after <= 255 {
                    t_pc - after
                } else {
                    pad_for(t, after).expect("a pad within reach") - after
                }
            };
            if far[b].0 {
                jt = 0;
                trampolines.push(t_pc);
            } else {
                jt = reach(blk.jt, t_pc);
            }
            if far[b].1 {
                jf = trampolines.len();
                trampolines.push(f_pc);
            } else {
                jf = reach(blk.jf, f_pc);
            }
            out.push(Insn::jump(blk.code, blk.k, jt as u8, jf as u8));
            for t in trampolines {
                let here = out.len() + 1;
                out.push(Insn::stmt(BPF_JMP | BPF_JA, (t - here) as u32));
            }
            if compact {
                emit_pads(&mut out, &pads[b], &target_pc, accept);
            }
        }
        if reject_first {
            out.push(Insn::stmt(BPF_RET | BPF_K, 0));
        }
        if accept_used {
            out.push(Insn::stmt(BPF_RET | BPF_K, accept));
        }
        if reject_used && !reject_first {
            out.push(Insn::stmt(BPF_RET | BPF_K, 0));
        }
        return out;
    }
}

/// Appends pads: a return's copy, or a `ja` to a block.
fn emit_pads(
    out: &mut Vec<Insn>,
    pads: &[Target],
    target_pc: &dyn Fn(Target) -> usize,
    accept: u32,
) {
    for &t in pads {
        out.push(match t {
            Target::Block(_) => {
                let here = out.len() + 1;
                Insn::stmt(BPF_JMP | BPF_JA, (target_pc(t) - here) as u32)
            }
            Target::Accept => Insn::stmt(BPF_RET | BPF_K, accept),
            Target::Reject | Target::Open => Insn::stmt(BPF_RET | BPF_K, 0),
        });
    }
}

/// The return met first by following false branches from the entry. libpcap places the
/// blocks of a program from its end, a block after its false successors' and then its true
/// successors', so that return is the one it places last; we order the two returns alike.
fn first_return_reached(g: &Graph, entry: usize) -> Target {
    let mut b = entry;
    // Edges go forward (or the graph is walked at most once per block): this ends.
    for _ in 0..=g.blocks.len() {
        match g.blocks[b].jf {
            Target::Block(x) => b = x,
            Target::Open => return Target::Reject,
            t => return t,
        }
    }
    Target::Reject
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
