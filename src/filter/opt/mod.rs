//! The optimizer: graph in, smaller equivalent graph out, as a pipeline of small passes.
//!
//! 1. [`merge::renumber`] puts the reachable blocks in a topological order (every pass
//!    relies on "edges go to higher indices"; a cyclic graph is returned unchanged).
//! 2. [`forward`]: value numbering, constant propagation, redundant loads, branch folding
//!    and jump threading.
//! 3. [`group`]: the tests of an `or` chain grouped by the value they load.
//! 4. [`dead`]: dead statements that cannot reject.
//! 5. [`peep`]: folds the transport-header index arithmetic into the load (bounded with
//!    [`range`], an interval analysis, when it is not an IPv4 header length).
//! 6. [`merge`]: empty blocks, single-predecessor merging, identical blocks, renumbering.
//!
//! Steps 2–6 repeat while the program shrinks, at most [`MAX_ROUNDS`] times; then
//! 7. [`tree`] turns long lists of constants into search trees.
//!
//! Guarantees: the result gives every packet (truncated ones included: a load that can
//! reject is only dropped when a load on every path before it proved the same bytes
//! present) the same verdict as the input; it terminates, because rounds are bounded and
//! every pass is one sweep whose extra work (threading hops) is charged to a [`Budget`]
//! proportional to the input's size; and it takes time and memory linear in the size of
//! the graph (states have a bounded size, see [`vn`]).

pub mod dead;
pub mod forward;
pub mod group;
pub mod merge;
pub mod peep;
pub mod range;
pub mod tree;
pub mod vn;

use super::cfg::{Graph, Target};

/// Rounds of forward + dead + peep + merge.
pub const MAX_ROUNDS: usize = 6;
/// Work units allowed per instruction of the input, over all rounds.
pub const WORK_PER_INSN: usize = 200;

/// A work allowance; once spent, passes stop transforming (what they did so far is kept,
/// and is correct on its own).
pub struct Budget {
    left: usize,
}

impl Budget {
    pub fn new(units: usize) -> Budget {
        Budget { left: units }
    }

    /// Takes `units`; false (and nothing taken) when not enough are left.
    pub fn spend(&mut self, units: usize) -> bool {
        if units > self.left {
            self.left = 0;
            return false;
        }
        self.left -= units;
        true
    }
}

/// A fast non-cryptographic hasher for the optimizer's tables (keys are compiler-made,
/// not attacker-chosen in a way that matters: the worst case is slower hashing).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // A final avalanche, so the low bits (the table index) depend on every input bit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

fn size(g: &Graph) -> usize {
    g.blocks.iter().map(|b| b.stmts.len() + 1).sum()
}

/// Optimizes the graph whose entry is `entry`; returns the new entry.
pub fn optimize(g: &mut Graph, entry: usize) -> usize {
    for b in &mut g.blocks {
        for t in [&mut b.jt, &mut b.jf] {
            if *t == Target::Open {
                *t = Target::Reject;
            }
        }
    }
    let Some(mut entry) = merge::renumber(g, entry) else {
        return entry;
    };
    let mut budget = Budget::new(WORK_PER_INSN.saturating_mul(size(g)) + 10_000);
    for _ in 0..MAX_ROUNDS {
        let before = size(g);
        let mut safe = forward::run(g, entry, &mut budget);
        group::run(g, entry, &mut safe);
        dead::run(g, &safe);
        peep::run(g, entry);
        entry = merge::run(g, entry);
        // Another round costs a full sweep; on big graphs stop once a round gains < 1%.
        let after = size(g);
        if after >= before || (before > 10_000 && after * 100 > before * 99) {
            break;
        }
    }
    tree::run(g, entry)
}
