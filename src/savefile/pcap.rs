//! The classic pcap format: a 24-byte file header, then records of a 16-byte header (24 in
//! Kuznetzov's modified format) and the captured bytes. Either byte order, microsecond or
//! nanosecond magic, versions 2.0–2.4 and DG/UX's 543.0 (whose older minor versions store
//! caplen and len the other way round), with libpcap's checks and messages.
//!
//! Records are parsed where they lie in the [`Input`] buffer; the reader returns where the
//! packet's bytes are, and consumes the record on the following call.

use std::ops::Range;

use super::input::Input;
use super::linktype::{self, LINKTYPE_MASK};
use super::{fixup, read_error, FileInfo, Scale};
use crate::error::{Error, Result};
use crate::handle::Precision;
use crate::source::PacketHeader;

const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
const MAGIC_KUZNETZOV: u32 = 0xa1b2_cd34;
const MAGIC_NANO: u32 = 0xa1b2_3c4d;
/// The file header after the magic number.
const FILE_HEADER_REST: usize = 20;

/// Where a record keeps caplen and len.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LengthOrder {
    /// caplen, then len (version 2.4 and later).
    Normal,
    /// len, then caplen (before 2.3, and DG/UX).
    Swapped,
    /// 2.3 files exist both ways: whichever makes caplen <= len.
    Either,
}

/// A classic pcap file being read.
pub struct PcapReader {
    swapped: bool,
    record_header: usize,
    lengths: LengthOrder,
    scale: Scale,
    dlt: i32,
    snapshot: u32,
    max_caplen: u32,
    /// Bytes of the previous record still to consume.
    pending: usize,
    /// What `pcap_bufsize` reports: the size libpcap's own record buffer would have now.
    bufsize: u32,
    /// Whether records may take the fast path: caplen before len, no pseudo-header fix-up.
    fast: bool,
    /// Records with a caplen up to this need no check but "is it all buffered": not above
    /// the snapshot length, libpcap's maximum, or the simulated buffer size.
    fast_limit: u32,
}

/// Whether `magic` (as read in host order) starts a pcap file, and if so whether it is
/// byte-swapped and which magic it is.
fn recognise(magic: u32) -> Option<(bool, u32)> {
    [MAGIC_MICRO, MAGIC_KUZNETZOV, MAGIC_NANO]
        .into_iter()
        .find_map(|m| {
            if magic == m {
                Some((false, m))
            } else if magic.swap_bytes() == m {
                Some((true, m))
            } else {
                None
            }
        })
}

#[inline]
fn word(b: &[u8], at: usize, swapped: bool) -> u32 {
    let v = u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    if swapped {
        v.swap_bytes()
    } else {
        v
    }
}

#[inline]
fn half(b: &[u8], at: usize, swapped: bool) -> u16 {
    let v = u16::from_ne_bytes([b[at], b[at + 1]]);
    if swapped {
        v.swap_bytes()
    } else {
        v
    }
}

impl PcapReader {
    /// Reads the file header if `magic` is a pcap magic: Ok(None) means "not this format".
    /// The 4 magic bytes are still unconsumed in `input`.
    pub fn open(
        magic: u32,
        input: &mut Input,
        precision: Precision,
    ) -> Result<Option<(PcapReader, FileInfo)>> {
        let Some((swapped, magic)) = recognise(magic) else {
            return Ok(None);
        };
        input.consume(4);
        let got = input.fill(FILE_HEADER_REST).map_err(|e| read_error(&e))?;
        if got < FILE_HEADER_REST {
            return Err(Error::new(format!(
                "truncated dump file; tried to read 24 file header bytes, only got {got}"
            )));
        }
        let h = &input.bytes()[..FILE_HEADER_REST];
        let (major, minor) = (half(h, 0, swapped), half(h, 2, swapped));
        let file_snaplen = word(h, 12, swapped);
        let raw_linktype = word(h, 16, swapped);
        input.consume(FILE_HEADER_REST);
        if major < 2 {
            return Err(Error::new("archaic pcap savefile format"));
        }
        if !((major == 2 && minor <= 4) || (major == 543 && minor == 0)) {
            return Err(Error::new(format!(
                "unsupported pcap savefile version {major}.{minor}"
            )));
        }
        let dlt = linktype::linktype_to_dlt(raw_linktype & LINKTYPE_MASK);
        let mut snapshot = linktype::effective_snaplen(file_snaplen, dlt);
        let record_header = if magic == MAGIC_KUZNETZOV {
            // Kuznetzov's cooked captures added a 14-byte fake Ethernet header to up to a
            // snapshot's worth of data.
            if dlt == 1 {
                snapshot = snapshot.saturating_add(14);
            }
            24
        } else {
            16
        };
        let lengths = match (major, minor) {
            (2, 0..=2) | (543, _) => LengthOrder::Swapped,
            (2, 3) => LengthOrder::Either,
            _ => LengthOrder::Normal,
        };
        let scale = match (magic == MAGIC_NANO, precision) {
            (true, Precision::Micro) => Scale::NanoToMicro,
            (false, Precision::Nano) => Scale::MicroToNano,
            _ => Scale::None,
        };
        let info = FileInfo {
            dlt,
            linktype_ext: (raw_linktype & !LINKTYPE_MASK) as i32,
            snaplen: snapshot,
            version_major: major as i32,
            version_minor: minor as i32,
            swapped,
        };
        let reader = PcapReader {
            swapped,
            record_header,
            lengths,
            scale,
            dlt,
            snapshot: snapshot as u32,
            max_caplen: linktype::max_snaplen_for_dlt(dlt),
            pending: 0,
            bufsize: (snapshot as u32).min(2048),
            fast: lengths == LengthOrder::Normal && !fixup::applies(dlt),
            fast_limit: 0,
        };
        let mut reader = reader;
        reader.update_fast_limit();
        Ok(Some((reader, info)))
    }

    /// `pcap_bufsize`.
    pub fn bufsize(&self) -> i32 {
        self.bufsize as i32
    }

    fn update_fast_limit(&mut self) {
        self.fast_limit = self.bufsize.min(self.max_caplen).min(self.snapshot);
    }

    /// The common case: the whole record is buffered and needs no check or fix-up.
    #[inline(always)]
    pub fn next_fast(&mut self, input: &mut Input) -> Option<(PacketHeader, Range<usize>)> {
        input.consume(std::mem::take(&mut self.pending));
        if self.fast {
            let b = input.bytes();
            if let Some(h) = b.get(..16) {
                let field = |at: usize| {
                    let v = u32::from_ne_bytes(h[at..at + 4].try_into().expect("4 bytes"));
                    if self.swapped {
                        v.swap_bytes()
                    } else {
                        v
                    }
                };
                let caplen = field(8);
                let end = self.record_header + caplen as usize;
                if caplen <= self.fast_limit && b.len() >= end {
                    let widen = |v: u32| {
                        if self.swapped {
                            v as i64
                        } else {
                            v as i32 as i64
                        }
                    };
                    let header = PacketHeader {
                        ts_sec: widen(field(0)),
                        ts_frac: self.scale.apply(widen(field(4))),
                        caplen,
                        len: field(12),
                    };
                    self.pending = end;
                    return Some((header, self.record_header..end));
                }
            }
        }
        None
    }

    /// The next record: its header and where its bytes are in `input.bytes()`; None at the end
    /// of the file.
    #[inline(always)]
    pub fn next(&mut self, input: &mut Input) -> Result<Option<(PacketHeader, Range<usize>)>> {
        if let Some(found) = self.next_fast(input) {
            return Ok(Some(found));
        }
        self.next_checked(input)
    }

    /// [`PcapReader::next`] for records that straddle the buffer end, need checks or fix-ups.
    #[inline(never)]
    fn next_checked(&mut self, input: &mut Input) -> Result<Option<(PacketHeader, Range<usize>)>> {
        let hs = self.record_header;
        let got = input.fill(hs).map_err(|e| read_error(&e))?;
        if got < hs {
            if got == 0 {
                return Ok(None);
            }
            input.consume(got);
            return Err(Error::new(format!(
                "truncated dump file; tried to read {hs} header bytes, only got {got}"
            )));
        }
        let h = input.bytes();
        // libpcap widens the file's fields as signed, except after byte-swapping them (its
        // swap yields an unsigned value): damaged files show the difference.
        let widen = |v: u32| {
            if self.swapped {
                v as i64
            } else {
                v as i32 as i64
            }
        };
        let ts_sec = widen(word(h, 0, self.swapped));
        let ts_frac = self.scale.apply(widen(word(h, 4, self.swapped)));
        let first = word(h, 8, self.swapped);
        let second = word(h, 12, self.swapped);
        let (caplen, len) = match self.lengths {
            LengthOrder::Normal => (first, second),
            LengthOrder::Swapped => (second, first),
            LengthOrder::Either if first > second => (second, first),
            LengthOrder::Either => (first, second),
        };
        if caplen > self.max_caplen {
            input.consume(hs);
            return Err(Error::new(if caplen > self.snapshot {
                format!(
                    "invalid packet capture length {caplen}, bigger than snaplen of {}",
                    self.snapshot
                )
            } else {
                format!(
                    "invalid packet capture length {caplen}, bigger than maximum of {}",
                    self.max_caplen
                )
            }));
        }
        if caplen > self.bufsize {
            self.bufsize = if caplen > self.snapshot {
                self.snapshot
            } else {
                caplen.next_power_of_two().min(self.snapshot)
            };
            self.update_fast_limit();
        }
        let want = caplen as usize;
        // The header stays unconsumed until the whole record is in, so that a read that
        // would block (see `Input::never_block`) can be retried from the record's start.
        let got = input
            .fill(hs + want)
            .map_err(|e| read_error(&e))?
            .saturating_sub(hs);
        input.consume(hs);
        if got < want {
            input.consume(got);
            // libpcap reads a snapshot's worth first, then discards the rest: the first read
            // that comes up short names its own size.
            let tried = if caplen > self.snapshot && got < self.snapshot as usize {
                self.snapshot
            } else {
                caplen
            };
            return Err(Error::new(format!(
                "truncated dump file; tried to read {tried} captured bytes, only got {got}"
            )));
        }
        // A record longer than the file's snapshot length is cut to it, as libpcap does.
        let delivered = caplen.min(self.snapshot);
        let mut header = PacketHeader {
            ts_sec,
            ts_frac,
            caplen: delivered,
            len,
        };
        fixup::after_read(
            self.dlt,
            self.swapped,
            &mut header,
            &mut input.bytes_mut()[..delivered as usize],
        );
        self.pending = want;
        Ok(Some((header, 0..delivered as usize)))
    }
}
