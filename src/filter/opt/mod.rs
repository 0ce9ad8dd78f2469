//! The optimizer's pass interface: graph in, equivalent graph out.
//!
//! A pass must keep the verdict of every packet, including the packets on which a load
//! outside the captured bytes rejects. No pass exists yet; `optimize = 1` compiles to the
//! same code as `optimize = 0` until the optimizer lands (see issue 4).

use super::cfg::Graph;

/// One optimisation pass over the graph whose entry is `entry`; returns the new entry.
pub trait Pass {
    fn run(&self, g: &mut Graph, entry: usize) -> usize;
}

/// The passes `optimize = 1` runs, in order.
pub fn passes() -> Vec<Box<dyn Pass>> {
    Vec::new()
}

/// Runs every pass.
pub fn optimize(g: &mut Graph, mut entry: usize) -> usize {
    for p in passes() {
        entry = p.run(g, entry);
    }
    entry
}
