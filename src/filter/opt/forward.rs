//! The forward pass: value numbering, constant propagation, redundant-load removal, branch
//! folding and jump threading, in one sweep over the blocks in topological order.
//!
//! Input: a graph whose block indices are a topological order (every edge goes to a higher
//! index) and its entry. Output: the same blocks, where
//! - a statement that writes the value its register already holds is dropped, provided it
//!   cannot reject (a load whose bytes every path has already loaded, see [`vn::State`]);
//! - a statement whose value is a known constant becomes an immediate load, and `op X` with a
//!   known X becomes `op #k` (never for a shift of 32 or more, nor a division by zero);
//! - a test whose outcome is known on every path reaching it sends both branches to the
//!   known successor;
//! - an edge whose target's test is decided by what that edge knows, where the target's
//!   statements cannot reject and write nothing the new successor reads (or write what the
//!   register already holds), skips the target ("threading"), repeatedly.
//!
//! It also returns, per block and statement, whether the statement cannot reject on any path
//! reaching it, for [`super::dead`]. Invariant: on every packet, truncated or not, the new
//! program returns what the old one returned: only statements proved redundant or
//! non-rejecting are skipped, and facts come only from tests and loads on every path.
//! Cost: each block is visited once, each threading hop is charged to the [`Budget`], and
//! states have a bounded size, so the pass is linear in the graph. The states waiting at
//! blocks not yet visited live in a pool whose slots (and their buffers) are reused, so the
//! pass allocates only while the number of waiting states grows.

use super::dead;
use super::vn::{State, Table, REG_A, REG_X};
use super::Budget;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Graph, Target};

/// Hops one edge may be threaded through in one pass.
const MAX_HOPS: usize = 64;

/// Runs the pass; returns the "cannot reject" flags of every statement.
pub fn run(g: &mut Graph, entry: usize, budget: &mut Budget) -> Safety {
    let n = g.blocks.len();
    let live = dead::live_in(g);
    let mut t = Table::default();
    let mut at = Pending::new(n);
    at.arrive(entry, &State::entry(&mut t), &mut t);
    let mut safe = Safety::new(n);
    // Reused buffers: the pass allocates per block only while they grow.
    let mut st = State::entry(&mut t);
    let mut es = st.clone();
    let mut out: Vec<Insn> = Vec::new();
    for b in entry..n {
        if !at.take(b, &mut st) {
            continue;
        }
        if !budget.spend(g.blocks[b].stmts.len() + 1) {
            break;
        }
        out.clear();
        safe.open(b);
        // The last statement kept and the value A held before it.
        let mut last: Option<(Insn, u32)> = None;
        // Past a jump among the statements, none may go: the jump counts them.
        let mut after_jump = false;
        for &insn in &g.blocks[b].stmts {
            let Some(step) = st.step(&mut t, &insn) else {
                // Not a statement we model: keep it and forget everything.
                out.push(insn);
                safe.push(false);
                st = State::entry(&mut t);
                after_jump |= class(insn.code) == BPF_JMP;
                continue;
            };
            if step.safe && st.regs[step.reg] == step.vn && !after_jump {
                continue;
            }
            let kept = rewrite(&st, &t, insn, step.reg, step.vn, step.safe);
            last = Some((kept, st.regs[REG_A]));
            out.push(kept);
            safe.push(step.safe);
            st.apply(&t, &step);
        }
        let blk = &mut g.blocks[b];
        if let (Some(c), _) = st.decide(&t, blk.code, blk.k) {
            blk.code = BPF_JMP | op(blk.code) | BPF_K;
            blk.k = c;
        }
        let a_live_after = (live_at(&live, blk.jt) | live_at(&live, blk.jf)) & dead::A != 0;
        if let Some((alu, a_before)) = last {
            if !a_live_after && blk.jt != blk.jf {
                if let Some((code, k, swap)) = fold_into_test(&alu, blk.code, blk.k) {
                    out.pop();
                    safe.pop();
                    st.regs[REG_A] = a_before;
                    blk.code = code;
                    blk.k = k;
                    if swap {
                        std::mem::swap(&mut blk.jt, &mut blk.jf);
                    }
                }
            }
        }
        if blk.stmts != out {
            blk.stmts.clear();
            blk.stmts.extend_from_slice(&out);
        }
        let (operand, decided) = st.decide(&t, blk.code, blk.k);
        let (code, jt, jf) = (blk.code, blk.jt, blk.jf);
        match decided {
            Some(d) => {
                let to = thread(g, &live, &mut t, &mut st, if d { jt } else { jf }, budget);
                g.blocks[b].jt = to;
                g.blocks[b].jf = to;
                arrive(&mut at, b, to, &st, &mut t);
            }
            None => {
                // The false edge works on a copy; the true edge then takes the state.
                es.clone_from(&st);
                for outcome in [false, true] {
                    let es = if outcome { &mut st } else { &mut es };
                    if let Some(c) = operand {
                        es.learn(&t, op(code), c, outcome);
                    }
                    let to = thread(g, &live, &mut t, es, if outcome { jt } else { jf }, budget);
                    if outcome {
                        g.blocks[b].jt = to;
                    } else {
                        g.blocks[b].jf = to;
                    }
                    arrive(&mut at, b, to, es, &mut t);
                }
            }
        }
    }
    safe
}

/// Per statement of every block: whether it cannot reject on any path reaching it. Blocks
/// the pass did not reach have no flags ("may reject").
pub struct Safety {
    /// (first flag, number of flags) per block; `ALL` marks a block whose statements are
    /// all safe whatever their number.
    span: Vec<(u32, u32)>,
    flags: Vec<bool>,
    /// The block being filled.
    last: usize,
}

impl Safety {
    const ALL: u32 = u32::MAX;

    fn new(n: usize) -> Safety {
        Safety {
            span: vec![(0, 0); n],
            flags: Vec::new(),
            last: 0,
        }
    }

    /// Starts the flags of block `b` (blocks are opened once, in increasing order).
    fn open(&mut self, b: usize) {
        self.span[b] = (self.flags.len() as u32, 0);
        self.last = b;
    }

    fn push(&mut self, f: bool) {
        self.flags.push(f);
        self.span[self.last].1 += 1;
    }

    fn pop(&mut self) {
        self.flags.pop();
        self.span[self.last].1 -= 1;
    }

    /// Whether statement `i` of block `b` cannot reject.
    pub fn get(&self, b: usize, i: usize) -> bool {
        match self.span.get(b) {
            Some(&(Self::ALL, _)) => true,
            Some(&(start, len)) => (i as u32) < len && self.flags[start as usize + i],
            None => false,
        }
    }

    /// Whether all `len` statements of block `b` cannot reject.
    pub fn all(&self, b: usize, len: usize) -> bool {
        (0..len).all(|i| self.get(b, i))
    }

    /// Marks every statement of block `b` safe.
    pub fn set_all(&mut self, b: usize) {
        self.span[b] = (Self::ALL, 0);
    }
}

/// The states waiting at blocks not yet visited, in a pool whose slots (and their buffers)
/// are reused once their block is visited.
struct Pending {
    slot: Vec<u32>,
    pool: Vec<State>,
    free: Vec<u32>,
}

impl Pending {
    const NONE: u32 = u32::MAX;

    fn new(n: usize) -> Pending {
        Pending {
            slot: vec![Self::NONE; n],
            pool: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Meets `st` into the state waiting at `b` (or makes it that state).
    fn arrive(&mut self, b: usize, st: &State, t: &mut Table) {
        match self.slot[b] {
            Self::NONE => {
                let s = match self.free.pop() {
                    Some(s) => {
                        self.pool[s as usize].clone_from(st);
                        s
                    }
                    None => {
                        self.pool.push(st.clone());
                        (self.pool.len() - 1) as u32
                    }
                };
                self.slot[b] = s;
            }
            s => self.pool[s as usize].meet(st, t),
        }
    }

    /// Moves the state waiting at `b` into `into`; false when none waits (b unreachable).
    fn take(&mut self, b: usize, into: &mut State) -> bool {
        let s = std::mem::replace(&mut self.slot[b], Self::NONE);
        if s == Self::NONE {
            return false;
        }
        std::mem::swap(into, &mut self.pool[s as usize]);
        self.free.push(s);
        true
    }
}

/// The cheapest equivalent of `insn`, which writes `vn` to slot `reg` in state `st`.
fn rewrite(st: &State, t: &Table, insn: Insn, reg: usize, vn: u32, safe: bool) -> Insn {
    if safe && (reg == REG_A || reg == REG_X) {
        if let Some(c) = st.value(t, vn) {
            let imm = if reg == REG_A {
                BPF_LD | BPF_IMM
            } else {
                BPF_LDX | BPF_IMM
            };
            return Insn::stmt(imm, c);
        }
    }
    let c = insn.code;
    if class(c) == BPF_LD && mode(c) == BPF_IND {
        if let Some(off) = st
            .value(t, st.regs[REG_X])
            .and_then(|x| x.checked_add(insn.k))
        {
            return Insn::stmt(BPF_LD | size(c) | BPF_ABS, off);
        }
    }
    if class(c) == BPF_ALU && src(c) == BPF_X && op(c) != BPF_NEG {
        if let Some(x) = st.value(t, st.regs[REG_X]) {
            let o = op(c);
            let bad = ((o == BPF_DIV || o == BPF_MOD) && x == 0)
                || ((o == BPF_LSH || o == BPF_RSH) && x >= 32);
            if !bad {
                return Insn::stmt(BPF_ALU | o | BPF_K, x);
            }
        }
    }
    insn
}

fn live_at(live: &[u32], t: Target) -> u32 {
    match t {
        Target::Block(x) => live[x],
        _ => 0,
    }
}

/// `A <alu> #c` followed by the test `code #k`, as one test on A's value before the
/// arithmetic: (code, k, whether the branches swap). Only operations that never reject.
fn fold_into_test(alu: &Insn, code: u16, k: u32) -> Option<(u16, u32, bool)> {
    if class(alu.code) != BPF_ALU || src(alu.code) != BPF_K || src(code) != BPF_K {
        return None;
    }
    let c = alu.k;
    let (o, k, swap) = match (op(code), op(alu.code)) {
        (BPF_JEQ, BPF_ADD) => (BPF_JEQ, k.wrapping_sub(c), false),
        (BPF_JEQ, BPF_SUB) => (BPF_JEQ, k.wrapping_add(c), false),
        (BPF_JEQ, BPF_XOR) => (BPF_JEQ, k ^ c, false),
        (BPF_JEQ, BPF_AND) if k == 0 => (BPF_JSET, c, true),
        (BPF_JSET, BPF_AND) => (BPF_JSET, k & c, false),
        _ => return None,
    };
    Some((BPF_JMP | o | BPF_K, k, swap))
}

/// Records that `st` holds on the edge from `from` into `to`.
fn arrive(at: &mut Pending, from: usize, to: Target, st: &State, t: &mut Table) {
    if let Target::Block(c) = to {
        debug_assert!(c > from, "edges must go forward");
        at.arrive(c, st, t);
    }
}

/// Follows `to` past every block whose outcome `st` decides and that can be skipped.
fn thread(
    g: &Graph,
    live: &[u32],
    t: &mut Table,
    st: &mut State,
    mut to: Target,
    budget: &mut Budget,
) -> Target {
    for _ in 0..MAX_HOPS {
        let Target::Block(c) = to else {
            break;
        };
        let blk = &g.blocks[c];
        if !budget.spend(blk.stmts.len() + 1) {
            break;
        }
        // Simulate the block on the registers only: its statements must all be safe, so
        // what they would prove is known already.
        let saved = st.regs;
        let mut written = 0u32;
        let mut ok = true;
        for insn in &blk.stmts {
            match st.step(t, insn) {
                Some(step) if step.safe => {
                    st.regs[step.reg] = step.vn;
                    written |= 1 << step.reg;
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        let decided = if !ok {
            None
        } else if blk.jt == blk.jf {
            Some(blk.jt)
        } else {
            match st.decide(t, blk.code, blk.k).1 {
                Some(true) => Some(blk.jt),
                Some(false) => Some(blk.jf),
                None => None,
            }
        };
        let after = st.regs;
        st.regs = saved;
        let Some(next) = decided else {
            break;
        };
        let needed = match next {
            Target::Block(x) => live[x],
            _ => 0,
        };
        // Registers the skipped block changed must be dead where we land.
        let mut changed = 0u32;
        for (r, (now, before)) in after.iter().zip(st.regs.iter()).enumerate() {
            if written & (1 << r) != 0 && now != before {
                changed |= 1 << r;
            }
        }
        if changed & needed != 0 {
            break;
        }
        to = next;
    }
    to
}
