//! Batch delivery: a source's packets a block at a time (a live ring block, a chunk of a
//! file's read buffer) instead of one at a time, for `pcap_dispatch_batch`.
//!
//! Guarantees: every packet a batch hands over is one the per-packet path would have
//! delivered, in the same order, filtered and shaped the same way; all of a batch's slices
//! stay valid until the next call on the source, so the caller can hand them to C as arrays.

use crate::bpf::Program;
use crate::error::{Error, Result};
use crate::handle::{LoopSignals, Pcap};
use crate::source::{PacketHeader, Source};

/// The outcome of asking for a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch {
    /// This many packets (at least one) went to the sink.
    Packets(usize),
    /// Nothing is ready now (live sources only).
    Idle,
    /// The end of a savefile.
    Eof,
}

impl Source {
    /// Hands up to `max` (at least 1) packets of one block or chunk to `sink`.
    pub fn next_batch(
        &mut self,
        may_block: bool,
        max: usize,
        filter: Option<&Program>,
        signals: &LoopSignals,
        sink: impl FnMut(&PacketHeader, &[u8]),
    ) -> Result<Batch> {
        let max = max.max(1);
        match self {
            Source::Live(live) => Ok(
                match live.next_batch(may_block, max, filter, signals, sink)? {
                    0 => Batch::Idle,
                    n => Batch::Packets(n),
                },
            ),
            Source::Savefile(file) => file.next_batch(max, filter, sink),
            Source::Dead => Err(Error::new(
                "Packets aren't available from a pcap_open_dead pcap_t",
            )),
        }
    }
}

impl Pcap {
    /// [`Source::next_batch`] with the handle's filter and signals.
    pub fn next_batch(
        &mut self,
        may_block: bool,
        max: usize,
        sink: impl FnMut(&PacketHeader, &[u8]),
    ) -> Result<Batch> {
        self.check_activated()?;
        self.source
            .next_batch(may_block, max, self.filter.as_ref(), &self.signals, sink)
    }
}
