//! Batch delivery: a source's packets a chunk at a time (a live ring block, a chunk of a
//! file's read buffer) instead of one at a time; the outcome type of a file's batch read,
//! which fills the stage (see [`crate::source::stage`]).
//!
//! Guarantees: every packet a batch hands over is one the per-packet path would have
//! delivered, in the same order, filtered and shaped the same way; all of a batch's slices
//! stay valid until the next call on the source, so the caller can hand them to C as arrays.

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
