//! Where a handle's packets come from: nowhere (a dead handle), a savefile, or a live
//! interface. Every source hands out packets the same way, as a header plus a slice that
//! borrows the source's own buffer (a file reader's block, a ring frame): no copy.

pub mod batch;
pub mod stage;

/// A delivered packet's header, at the handle's timestamp precision. Laid out as C's
/// `struct pcap_pkthdr` on 64-bit Linux (checked in `ffi::capture`), so staged headers are
/// handed to C as they are.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PacketHeader {
    /// Seconds since the epoch.
    pub ts_sec: i64,
    /// Microseconds or nanoseconds within the second, by the handle's precision. Signed and
    /// 64-bit like C's `suseconds_t`: a damaged savefile's field reaches the caller as libpcap
    /// passes it on (negative, or a second or more).
    pub ts_frac: i64,
    /// Bytes captured (the length of the data slice).
    pub caplen: u32,
    /// Bytes on the wire.
    pub len: u32,
}

/// The outcome of asking a source for its next packet.
#[derive(Debug)]
pub enum Poll<'a> {
    /// A packet that passed the filter; the slice lives until the next call on the source.
    Packet(PacketHeader, &'a [u8]),
    /// Nothing more is ready now (live: the timeout expired, the handle is non-blocking, or
    /// `may_block` was false and nothing was ready). Never returned by files.
    Idle,
    /// No packet will ever come again (end of a savefile).
    Eof,
}

/// Where packets come from.
pub enum Source {
    /// `pcap_open_dead`: a handle for compiling filters and writing files, with no packets.
    Dead,
    /// An activated capture on a network interface.
    Live(Box<crate::capture::linux::Live>),
    /// A pcap or pcapng file, pipe or stream.
    Savefile(Box<crate::savefile::Savefile>),
}

/// The kinds of source, whose loop semantics differ in libpcap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// Every read fails; a pending break is not even looked at.
    Dead,
    /// Reads end at EOF; a break after some packets is reported by the next call.
    File,
    /// Reads end at a timeout; a break is reported at once.
    Live,
}

impl Source {
    /// Which loop semantics apply.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Dead => SourceKind::Dead,
            Source::Live(_) => SourceKind::Live,
            Source::Savefile(_) => SourceKind::File,
        }
    }

    /// For a savefile, whether its byte order differs from ours; None for other sources.
    pub fn savefile_swapped(&self) -> Option<bool> {
        match self {
            Source::Savefile(sf) => Some(sf.info.swapped),
            _ => None,
        }
    }
}
