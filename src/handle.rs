//! `Pcap`, the object behind a `pcap_t`: its settings (link type, snapshot length, timestamp
//! precision), where its packets come from ([`Source`]), the filter applied to them in user
//! space, and the signals another thread or a signal handler may raise while it runs.
//!
//! A `Pcap` is used by one thread at a time, like libpcap's `pcap_t`; only [`LoopSignals`] is
//! shared, because `pcap_breakloop` may be called from anywhere.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::bpf::Program;
use crate::error::Result;
use crate::source::{Poll, Source};

/// Timestamp precision of the headers a handle delivers (`PCAP_TSTAMP_PRECISION_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    Micro = 0,
    Nano = 1,
}

impl Precision {
    /// The precision named by libpcap's integer constant, if it is one.
    pub fn from_raw(value: i32) -> Option<Precision> {
        match value {
            0 => Some(Precision::Micro),
            1 => Some(Precision::Nano),
            _ => None,
        }
    }

    /// Sub-second units per second at this precision.
    pub fn units_per_sec(self) -> u32 {
        match self {
            Precision::Micro => 1_000_000,
            Precision::Nano => 1_000_000_000,
        }
    }
}

/// What may be signalled to a running loop from another thread or a signal handler.
#[derive(Debug, Default)]
pub struct LoopSignals {
    break_requested: AtomicBool,
}

impl LoopSignals {
    /// Asks the loop to stop (pcap_breakloop). Async-signal-safe: one atomic store.
    pub fn request_break(&self) {
        // Release: whatever the caller did before breaking is visible to the loop that sees it.
        self.break_requested.store(true, Ordering::Release);
    }

    /// Whether a break is pending, without consuming it.
    pub fn break_pending(&self) -> bool {
        self.break_requested.load(Ordering::Acquire)
    }

    /// Consumes a pending break: true if there was one.
    pub fn take_break(&self) -> bool {
        self.break_requested.swap(false, Ordering::AcqRel)
    }
}

/// One capture handle.
pub struct Pcap {
    /// The DLT_ value `pcap_datalink` reports.
    pub linktype: i32,
    /// The extension bits of the link-type field alone (a savefile's FCS length, the top
    /// six bits), for `pcap_datalink_ext`; libpcap reports 0 for dead handles (measured).
    pub linktype_ext: i32,
    /// The snapshot length `pcap_snapshot` reports.
    pub snaplen: i32,
    /// The precision of delivered timestamps.
    pub precision: Precision,
    /// Where packets come from.
    pub source: Source,
    /// The filter applied in user space (always for files; for live captures only when the
    /// kernel refused the program).
    pub filter: Option<Program>,
    /// Shared with whoever may call `pcap_breakloop`.
    pub signals: Arc<LoopSignals>,
}

impl Pcap {
    /// A handle that captures nothing: `pcap_open_dead`.
    pub fn dead(linktype: i32, snaplen: i32, precision: Precision) -> Pcap {
        Pcap {
            linktype,
            linktype_ext: 0,
            snaplen,
            precision,
            source: Source::Dead,
            filter: None,
            signals: Arc::new(LoopSignals::default()),
        }
    }

    /// The next packet that passes the user-space filter, as [`Source::next_packet`] defines.
    pub fn next_packet(&mut self, may_block: bool) -> Result<Poll<'_>> {
        self.source
            .next_packet(may_block, self.filter.as_ref(), &self.signals)
    }
}
